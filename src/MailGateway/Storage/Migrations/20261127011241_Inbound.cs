using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Inbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_SourceMessageId",
                table: "Messages");

            migrationBuilder.CreateTable(
                name: "AddressHealth",
                columns: table => new
                {
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    TransientBounces = table.Column<int>(type: "INTEGER", nullable: false),
                    PermanentBounces = table.Column<int>(type: "INTEGER", nullable: false),
                    LastBounceAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastBounceDetail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SuppressedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AddressHealth", x => x.Address);
                });

            migrationBuilder.CreateTable(
                name: "InboundMails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Mailbox = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    Uid = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 998, nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    Raw = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    FromAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 998, nullable: true),
                    ReceivedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReasonDetail = table.Column<string>(type: "TEXT", nullable: true),
                    PostedMessageId = table.Column<long>(type: "INTEGER", nullable: true),
                    UserId = table.Column<int>(type: "INTEGER", nullable: true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: true),
                    ProcessedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    MovedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Trace = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundMails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MailboxCheckpoints",
                columns: table => new
                {
                    Mailbox = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UidValidity = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUid = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailboxCheckpoints", x => x.Mailbox);
                });

            migrationBuilder.CreateTable(
                name: "OutboundMails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ToAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    EnvelopeFrom = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    RateKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Raw = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboundMails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReplyTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    UserId = table.Column<int>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RevokedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReplyTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReplyTokens_Channels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "Channels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ReplyTokens_Users_UserId",
                        column: x => x.UserId,
                        principalTable: "Users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Messages_ChannelId_SourceMessageId",
                table: "Messages",
                columns: new[] { "ChannelId", "SourceMessageId" },
                unique: true,
                filter: "\"SourceMessageId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_InboundMails_Mailbox_MovedAtUtc",
                table: "InboundMails",
                columns: new[] { "Mailbox", "MovedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundMails_MessageId_Sha256",
                table: "InboundMails",
                columns: new[] { "MessageId", "Sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundMails_Status",
                table: "InboundMails",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMails_Status_NextAttemptAtUtc",
                table: "OutboundMails",
                columns: new[] { "Status", "NextAttemptAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_OutboundMails_ToAddress_RateKey_CreatedAtUtc",
                table: "OutboundMails",
                columns: new[] { "ToAddress", "RateKey", "CreatedAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ReplyTokens_ChannelId",
                table: "ReplyTokens",
                column: "ChannelId");

            migrationBuilder.CreateIndex(
                name: "IX_ReplyTokens_UserId_ChannelId_KeyId",
                table: "ReplyTokens",
                columns: new[] { "UserId", "ChannelId", "KeyId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AddressHealth");

            migrationBuilder.DropTable(
                name: "InboundMails");

            migrationBuilder.DropTable(
                name: "MailboxCheckpoints");

            migrationBuilder.DropTable(
                name: "OutboundMails");

            migrationBuilder.DropTable(
                name: "ReplyTokens");

            migrationBuilder.DropIndex(
                name: "IX_Messages_ChannelId_SourceMessageId",
                table: "Messages");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_SourceMessageId",
                table: "Messages",
                column: "SourceMessageId");
        }
    }
}
