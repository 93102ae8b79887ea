using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>Threads per channel in mail clients (<c>MailThreads</c>), muting a channel or a title (the scoped
    /// one-click unsubscribe), the mention setting, a vendor's primary language on a title, and verifying an added
    /// address. Mutes change who gets a message, so they raise the lookup version like the other rows the fan-out's
    /// cache reads (migration <c>NotificationQueue</c>).</summary>
    public partial class ThreadsMutesAddresses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsPrimary",
                table: "VendorAssignments",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Mentions are mailed by default: existing users keep getting them.
            migrationBuilder.AddColumn<bool>(
                name: "MentionsEnabled",
                table: "UserSettings",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "AddedAtUtc",
                table: "UserEmails",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "VerificationExpiresAtUtc",
                table: "UserEmails",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerificationSecretHash",
                table: "UserEmails",
                type: "TEXT",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ChannelMutes",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelMutes", x => new { x.UserId, x.ChannelId });
                    table.ForeignKey(
                        name: "FK_ChannelMutes_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ChannelMutes_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MailThreads",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailThreads", x => new { x.ChannelId, x.UserId });
                    table.ForeignKey(
                        name: "FK_MailThreads_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MailThreads_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TitleMutes",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    TitleId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TitleMutes", x => new { x.UserId, x.TitleId });
                    table.ForeignKey(
                        name: "FK_TitleMutes_Titles_TitleId",
                        column: x => x.TitleId,
                        principalTable: "Titles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TitleMutes_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UserEmails_VerificationSecretHash",
                table: "UserEmails",
                column: "VerificationSecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChannelMutes_ChannelId",
                table: "ChannelMutes",
                column: "ChannelId");

            migrationBuilder.CreateIndex(
                name: "IX_MailThreads_UserId",
                table: "MailThreads",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_TitleMutes_TitleId",
                table: "TitleMutes",
                column: "TitleId");

            foreach (var table in new[] { "ChannelMutes", "TitleMutes" })
            {
                foreach (var change in new[] { "INSERT", "UPDATE", "DELETE" })
                {
                    migrationBuilder.Sql(
                        $"CREATE TRIGGER {table}_{change}_LookupVersion AFTER {change} ON {table} BEGIN UPDATE LookupVersions SET Value = Value + 1 WHERE Id = 1; END;");
                }
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ChannelMutes");

            migrationBuilder.DropTable(
                name: "MailThreads");

            migrationBuilder.DropTable(
                name: "TitleMutes");

            migrationBuilder.DropIndex(
                name: "IX_UserEmails_VerificationSecretHash",
                table: "UserEmails");

            // ALTER TABLE DROP COLUMN instead of EF's table rebuild, which would drop the tables' lookup-version triggers
            // (migration NotificationQueue) with them.
            foreach (var (table, column) in new[]
            {
                ("VendorAssignments", "IsPrimary"), ("UserSettings", "MentionsEnabled"), ("UserEmails", "AddedAtUtc"),
                ("UserEmails", "VerificationExpiresAtUtc"), ("UserEmails", "VerificationSecretHash"),
            })
            {
                migrationBuilder.Sql($"ALTER TABLE \"{table}\" DROP COLUMN \"{column}\";");
            }
        }
    }
}
