using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>
    /// The web's sign-in links (single use, only a hash of the secret stored), and a second keyword index over message
    /// text with the trigram tokenizer: unicode61 keeps a run of Japanese or Chinese characters as one token, so a word
    /// inside it could not be found; trigram matches any substring of three or more characters (diacritics folded).
    /// External content and triggers, like MessageSearch, so the text is stored once.
    /// </summary>
    public partial class WebSignIn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SignInLinks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SecretHash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignInLinks_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SignInLinks_Address_CreatedAtUtc",
                table: "SignInLinks",
                columns: new[] { "Address", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_SignInLinks_SecretHash",
                table: "SignInLinks",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SignInLinks_UserId",
                table: "SignInLinks",
                column: "UserId");

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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_TrigramUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_TrigramDelete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Messages_TrigramInsert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS MessageTrigram;");
            migrationBuilder.DropTable(
                name: "SignInLinks");
        }
    }
}
