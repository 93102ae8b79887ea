using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <inheritdoc />
    public partial class UserControls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "UserSettings",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "UTC");

            migrationBuilder.CreateTable(
                name: "ChannelFollows",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelFollows", x => new { x.UserId, x.ChannelId });
                    table.ForeignKey(
                        name: "FK_ChannelFollows_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ChannelFollows_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ChannelReadMarks",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    LastSeenMessageId = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelReadMarks", x => new { x.UserId, x.ChannelId });
                    table.ForeignKey(
                        name: "FK_ChannelReadMarks_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ChannelReadMarks_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ChannelFollows_ChannelId",
                table: "ChannelFollows",
                column: "ChannelId");

            migrationBuilder.CreateIndex(
                name: "IX_ChannelReadMarks_ChannelId",
                table: "ChannelReadMarks",
                column: "ChannelId");

            // A channel follow changes who gets a message's mail: cached audiences must be loaded again.
            foreach (var change in new[] { "INSERT", "UPDATE", "DELETE" })
            {
                migrationBuilder.Sql(
                    $"CREATE TRIGGER ChannelFollows_{change}_LookupVersion AFTER {change} ON ChannelFollows BEGIN UPDATE LookupVersions SET Value = Value + 1 WHERE Id = 1; END;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var change in new[] { "INSERT", "UPDATE", "DELETE" })
            {
                migrationBuilder.Sql($"DROP TRIGGER IF EXISTS ChannelFollows_{change}_LookupVersion;");
            }

            migrationBuilder.DropTable(
                name: "ChannelFollows");

            migrationBuilder.DropTable(
                name: "ChannelReadMarks");

            // SQLite's own DROP COLUMN keeps the table and its lookup-version triggers; EF's DropColumn would rebuild the
            // table without them, and an older migration's Down then finds none to drop.
            migrationBuilder.Sql("ALTER TABLE UserSettings DROP COLUMN TimeZone;");
        }
    }
}
