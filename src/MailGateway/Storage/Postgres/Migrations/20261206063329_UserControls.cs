using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Postgres.Migrations
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
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "UTC");

            migrationBuilder.CreateTable(
                name: "ChannelFollows",
                columns: table => new
                {
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                    UserId = table.Column<int>(type: "integer", nullable: false),
                    ChannelId = table.Column<int>(type: "integer", nullable: false),
                    LastSeenMessageId = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
            migrationBuilder.Sql(
                """CREATE TRIGGER "ChannelFollows_LookupVersion" AFTER INSERT OR UPDATE OR DELETE ON "ChannelFollows" FOR EACH STATEMENT EXECUTE FUNCTION clp_raise_lookup_version();""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "ChannelFollows_LookupVersion" ON "ChannelFollows";""");

            migrationBuilder.DropTable(
                name: "ChannelFollows");

            migrationBuilder.DropTable(
                name: "ChannelReadMarks");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "UserSettings");
        }
    }
}
