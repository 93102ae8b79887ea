using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>Bounce scores that decay (<c>AddressHealth</c>), reply tokens renewed by each notification, the return path
    /// a bounce finds its mail by, and a security stamp per user that ends their sessions when it changes (a random one
    /// for every existing user).</summary>
    public partial class SenderTrust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SecurityStamp",
                table: "Users",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "RenewedAtUtc",
                table: "ReplyTokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "BounceScore",
                table: "AddressHealth",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<DateTime>(
                name: "BounceScoreAtUtc",
                table: "AddressHealth",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMails_EnvelopeFrom",
                table: "OutboundMails",
                column: "EnvelopeFrom");

            migrationBuilder.Sql("UPDATE \"Users\" SET \"SecurityStamp\" = lower(hex(randomblob(16)));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_OutboundMails_EnvelopeFrom",
                table: "OutboundMails");

            // ALTER TABLE DROP COLUMN instead of EF's table rebuild, which would drop the lookup-version triggers of
            // Users and ReplyTokens (migration NotificationQueue).
            foreach (var (table, column) in new[]
            {
                ("Users", "SecurityStamp"), ("ReplyTokens", "RenewedAtUtc"), ("AddressHealth", "BounceScore"), ("AddressHealth", "BounceScoreAtUtc"),
            })
            {
                migrationBuilder.Sql($"ALTER TABLE \"{table}\" DROP COLUMN \"{column}\";");
            }
        }
    }
}
