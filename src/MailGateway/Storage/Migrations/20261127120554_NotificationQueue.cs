using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>The notification stage's queue (<c>PendingFanouts</c>), and <c>LookupVersions</c>: one number that
    /// triggers raise whenever a row that <c>LookupCache</c> may hold changes (users, their addresses, settings and
    /// languages, follows, vendors and assignments, titles and channels, a reply token revoked), so that a cache is
    /// kept across commits that do not touch them (messages, inbound and outbound mails, bounces: suppression is read
    /// fresh) instead of being dropped by every commit of another connection.</summary>
    public partial class NotificationQueue : Migration
    {
        /// <summary>Tables whose every change raises the version.</summary>
        private static readonly string[] Watched =
        [
            "Users", "UserEmails", "UserSettings", "UserLanguages", "Follows", "Vendors", "VendorAssignments", "Titles",
            "TitleLanguages", "Channels",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PendingFanouts",
                columns: table => new
                {
                    MessageId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingFanouts", x => x.MessageId);
                    table.ForeignKey(
                        name: "FK_PendingFanouts_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("CREATE TABLE LookupVersions (Id INTEGER NOT NULL PRIMARY KEY, Value INTEGER NOT NULL);");
            migrationBuilder.Sql("INSERT INTO LookupVersions (Id, Value) VALUES (1, 0);");
            foreach (var table in Watched)
            {
                foreach (var change in new[] { "INSERT", "UPDATE", "DELETE" })
                {
                    migrationBuilder.Sql(
                        $"CREATE TRIGGER {table}_{change}_LookupVersion AFTER {change} ON {table} BEGIN UPDATE LookupVersions SET Value = Value + 1 WHERE Id = 1; END;");
                }
            }

            // A token issued by another connection is only a second live token; a revoked one must be seen.
            foreach (var change in new[] { "UPDATE", "DELETE" })
            {
                migrationBuilder.Sql(
                    $"CREATE TRIGGER ReplyTokens_{change}_LookupVersion AFTER {change} ON ReplyTokens BEGIN UPDATE LookupVersions SET Value = Value + 1 WHERE Id = 1; END;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Watched)
            {
                foreach (var change in new[] { "INSERT", "UPDATE", "DELETE" })
                {
                    migrationBuilder.Sql($"DROP TRIGGER {table}_{change}_LookupVersion;");
                }
            }

            migrationBuilder.Sql("DROP TRIGGER ReplyTokens_UPDATE_LookupVersion;");
            migrationBuilder.Sql("DROP TRIGGER ReplyTokens_DELETE_LookupVersion;");
            migrationBuilder.Sql("DROP TABLE LookupVersions;");

            migrationBuilder.DropTable(
                name: "PendingFanouts");
        }
    }
}
