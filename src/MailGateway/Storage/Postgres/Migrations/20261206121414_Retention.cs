using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "BodyRemovedAtUtc",
                table: "OutboundMails",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RawRemovedAtUtc",
                table: "InboundMails",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMails_BodyRemovedAtUtc_Status",
                table: "OutboundMails",
                columns: new[] { "BodyRemovedAtUtc", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundMails_RawRemovedAtUtc_ProcessedAtUtc",
                table: "InboundMails",
                columns: new[] { "RawRemovedAtUtc", "ProcessedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMails_BodyRemovedAtUtc_Status",
                table: "OutboundMails");

            migrationBuilder.DropIndex(
                name: "IX_InboundMails_RawRemovedAtUtc_ProcessedAtUtc",
                table: "InboundMails");

            migrationBuilder.DropColumn(
                name: "BodyRemovedAtUtc",
                table: "OutboundMails");

            migrationBuilder.DropColumn(
                name: "RawRemovedAtUtc",
                table: "InboundMails");
        }
    }
}
