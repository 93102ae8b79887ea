using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InboundRawTable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InboundMailRaws",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    Raw = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundMailRaws", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboundMailRaws_InboundMails_Id",
                        column: x => x.Id,
                        principalTable: "InboundMails",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Move the bytes before the column goes (dropping it rebuilds InboundMails with foreign keys off).
            migrationBuilder.Sql("INSERT INTO InboundMailRaws (Id, Raw) SELECT Id, Raw FROM InboundMails;");

            migrationBuilder.DropColumn(
                name: "Raw",
                table: "InboundMails");

            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "InboundMails",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<long>(
                name: "Id",
                table: "InboundMails",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Raw",
                table: "InboundMails",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.Sql("UPDATE InboundMails SET Raw = (SELECT r.Raw FROM InboundMailRaws r WHERE r.Id = InboundMails.Id);");

            migrationBuilder.DropTable(
                name: "InboundMailRaws");
        }
    }
}
