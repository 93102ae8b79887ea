using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>
    /// Search scope inside the full-text indexes, so a search in one channel or across a title is a bounded FTS5 plan
    /// (issue 7: ranking every match of a common word and joining it to Messages took 300+ ms on 100,000 messages).
    /// <list type="bullet">
    /// <item><c>MessageSearch</c> (words) gets a <c>Scope</c> column holding the tokens <c>c{ChannelId} t{TitleId}</c>;
    /// a query is <c>Scope : (c7) AND Text : (...)</c>, which FTS5 answers by intersecting doclists, newest first
    /// (<c>ORDER BY rowid DESC LIMIT n</c> is streamed). <c>prefix='2 3 4 5 6 7 8'</c> adds prefix indexes, so a prefix of
    /// up to 8 characters is one doclist instead of a merge of the doclists of every word that starts with it (that merge
    /// cost 20-35 ms for "deliv*" on 1,000,000 messages; the prefix indexes make the word index about 1.6x larger).</item>
    /// <item><c>MessageTrigram</c> now holds only messages with text in a script written without spaces (Japanese,
    /// Chinese, Korean, Thai, Lao, Khmer, Myanmar), the only ones a trigram query (routed by those scripts) can
    /// match, and gets a <c>ScopeMark</c> column: channel and title each encoded as exactly three private-use
    /// characters, i.e. one trigram token each.</item>
    /// </list>
    /// Both stay external-content tables (the text is stored once), reading their content through the views
    /// <c>MessageSearchContent</c> and <c>MessageTrigramContent</c>. Triggers index a message from the same views, so
    /// the values indexed and the values removed are always the same. Both indexes are rebuilt from existing rows.
    /// A channel never moves to another title, so the title token of a message never changes.
    /// </summary>
    public partial class SearchScope : Migration
    {
        /// <summary>Characters of scripts written without spaces between words, as a GLOB class (code points).</summary>
        private const string NoSpaceScripts =
            "[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u31F0-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0003FFFF]";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            DropOldSearch(migrationBuilder);
            CreateIndexes(migrationBuilder);
        }

        /// <summary>The views, indexes and triggers of this migration, indexes rebuilt from the rows (also the Down of
        /// ScopedWordIndex).</summary>
        internal static void CreateIndexes(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIEW MessageSearchContent AS
                SELECT m.Id AS Id, m.Text AS Text, 'c' || m.ChannelId || ' t' || c.TitleId AS Scope
                FROM Messages AS m JOIN Channels AS c ON c.Id = m.ChannelId;
                """);
            migrationBuilder.Sql($"""
                CREATE VIEW MessageTrigramContent AS
                SELECT m.Id AS Id, m.Text AS Text,
                       char(57344) || char(57600 + ((m.ChannelId >> 12) & 4095)) || char(57600 + (m.ChannelId & 4095)) || ' ' ||
                       char(57345) || char(57600 + ((c.TitleId >> 12) & 4095)) || char(57600 + (c.TitleId & 4095)) AS ScopeMark
                FROM Messages AS m JOIN Channels AS c ON c.Id = m.ChannelId
                WHERE m.Text GLOB '*{NoSpaceScripts}*';
                """);
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE MessageSearch USING fts5(
                    Text,
                    Scope,
                    content='MessageSearchContent',
                    content_rowid='Id',
                    tokenize='unicode61 remove_diacritics 2',
                    prefix='2 3 4 5 6 7 8');
                """);
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE MessageTrigram USING fts5(
                    Text,
                    ScopeMark,
                    content='MessageTrigramContent',
                    content_rowid='Id',
                    tokenize='trigram remove_diacritics 1');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchInsert AFTER INSERT ON Messages BEGIN
                    INSERT INTO MessageSearch(rowid, Text, Scope) SELECT Id, Text, Scope FROM MessageSearchContent WHERE Id = new.Id;
                    INSERT INTO MessageTrigram(rowid, Text, ScopeMark) SELECT Id, Text, ScopeMark FROM MessageTrigramContent WHERE Id = new.Id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchDelete BEFORE DELETE ON Messages BEGIN
                    INSERT INTO MessageSearch(MessageSearch, rowid, Text, Scope) SELECT 'delete', Id, Text, Scope FROM MessageSearchContent WHERE Id = old.Id;
                    INSERT INTO MessageTrigram(MessageTrigram, rowid, Text, ScopeMark) SELECT 'delete', Id, Text, ScopeMark FROM MessageTrigramContent WHERE Id = old.Id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchUpdateBefore BEFORE UPDATE OF Text, ChannelId ON Messages BEGIN
                    INSERT INTO MessageSearch(MessageSearch, rowid, Text, Scope) SELECT 'delete', Id, Text, Scope FROM MessageSearchContent WHERE Id = old.Id;
                    INSERT INTO MessageTrigram(MessageTrigram, rowid, Text, ScopeMark) SELECT 'delete', Id, Text, ScopeMark FROM MessageTrigramContent WHERE Id = old.Id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_SearchUpdateAfter AFTER UPDATE OF Text, ChannelId ON Messages BEGIN
                    INSERT INTO MessageSearch(rowid, Text, Scope) SELECT Id, Text, Scope FROM MessageSearchContent WHERE Id = new.Id;
                    INSERT INTO MessageTrigram(rowid, Text, ScopeMark) SELECT Id, Text, ScopeMark FROM MessageTrigramContent WHERE Id = new.Id;
                END;
                """);
            migrationBuilder.Sql("INSERT INTO MessageSearch(MessageSearch) VALUES ('rebuild');");
            migrationBuilder.Sql("INSERT INTO MessageTrigram(MessageTrigram) VALUES ('rebuild');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            DropOldSearch(migrationBuilder);
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchUpdateBefore;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchUpdateAfter;");
            migrationBuilder.Sql("DROP VIEW IF EXISTS MessageTrigramContent;");
            migrationBuilder.Sql("DROP VIEW IF EXISTS MessageSearchContent;");

            // The indexes of the migrations MessageSearch and WebSignIn, as they were.
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
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE MessageTrigram USING fts5(
                    Text,
                    content='Messages',
                    content_rowid='Id',
                    tokenize='trigram remove_diacritics 1');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_TrigramInsert AFTER INSERT ON Messages BEGIN
                    INSERT INTO MessageTrigram(rowid, Text) VALUES (new.Id, new.Text);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_TrigramDelete AFTER DELETE ON Messages BEGIN
                    INSERT INTO MessageTrigram(MessageTrigram, rowid, Text) VALUES ('delete', old.Id, old.Text);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Messages_TrigramUpdate AFTER UPDATE OF Text ON Messages BEGIN
                    INSERT INTO MessageTrigram(MessageTrigram, rowid, Text) VALUES ('delete', old.Id, old.Text);
                    INSERT INTO MessageTrigram(rowid, Text) VALUES (new.Id, new.Text);
                END;
                """);
            migrationBuilder.Sql("INSERT INTO MessageTrigram(MessageTrigram) VALUES ('rebuild');");
        }

        private static void DropOldSearch(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchInsert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_SearchUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_TrigramInsert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_TrigramDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_TrigramUpdate;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS MessageSearch;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS MessageTrigram;");
        }
    }
}
