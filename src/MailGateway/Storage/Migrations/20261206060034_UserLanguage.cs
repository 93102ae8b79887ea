using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClpMailGateway.Storage.Migrations
{
    /// <summary>The language a user chose for the web (<c>UserSettings.Language</c>, null follows the browser).</summary>
    public partial class UserLanguage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "UserSettings",
                type: "TEXT",
                maxLength: 35,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // ALTER TABLE DROP COLUMN instead of EF's table rebuild, which would drop the table's lookup-version triggers.
            migrationBuilder.Sql("ALTER TABLE \"UserSettings\" DROP COLUMN \"Language\";");
        }
    }
}
