using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>
    /// Keyword search: an FTS5 index over message text, kept in step with Messages by triggers (external content, so
    /// the text is stored once). unicode61 with remove_diacritics 2 folds accents: "resume" finds "résumé".
    /// </summary>
    public partial class MessageSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE MessageSearch USING fts5(
                    Text,
                    content='Messages',
                    content_rowid='Id',
                    tokenize='unicode61 remove_diacritics 2');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchInsert AFTER INSERT ON Messages BEGIN
                    INSERT INTO MessageSearch(rowid, Text) VALUES (new.Id, new.Text);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchDelete AFTER DELETE ON Messages BEGIN
                    INSERT INTO MessageSearch(MessageSearch, rowid, Text) VALUES ('delete', old.Id, old.Text);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchUpdate AFTER UPDATE OF Text ON Messages BEGIN
                    INSERT INTO MessageSearch(MessageSearch, rowid, Text) VALUES ('delete', old.Id, old.Text);
                    INSERT INTO MessageSearch(rowid, Text) VALUES (new.Id, new.Text);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO MessageSearch(MessageSearch) VALUES ('rebuild');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchInsert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS MessageSearch;");
        }
    }
}
