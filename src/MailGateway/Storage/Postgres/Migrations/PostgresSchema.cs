using Microsoft.EntityFrameworkCore.Migrations;

namespace ClpMailGateway.Storage.Postgres.Migrations;

/// <summary>
/// What the PostgreSQL schema has beyond the EF model, the counterparts of SQLite's raw migrations:
/// <list type="bullet">
/// <item><c>LookupVersions</c>: one number that triggers raise on every change of a row a lookup cache may hold (users,
/// addresses, settings, languages, follows, vendors, assignments, titles, channels, mutes; a reply token changed or
/// deleted), as the SQLite triggers of NotificationQueue and ThreadsMutesAddresses do.</item>
/// <item><c>MessageWords</c>: the search index, a <c>tsvector</c> per message (GIN), written by the gateway
/// (<see cref="PostgresSearchIndex"/>), removed with its message, forgotten when its text or channel changes (the
/// gateway then writes it again; the search upkeep job indexes what a hand-run statement changed).</item>
/// <item>Raw mails and files kept out of line and uncompressed (<c>STORAGE EXTERNAL</c>), so that a slice of one is read
/// without reading the rest (<see cref="PostgresBlobs"/>).</item>
/// </list>
/// </summary>
internal static class PostgresSchema
{
    private static readonly string[] Watched =
    [
        "Users", "UserEmails", "UserSettings", "UserLanguages", "Follows", "Vendors", "VendorAssignments", "Titles",
        "TitleLanguages", "Channels", "ChannelMutes", "TitleMutes",
    ];

    public static void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""CREATE TABLE "LookupVersions" ("Id" integer NOT NULL PRIMARY KEY, "Value" bigint NOT NULL);""");
        migrationBuilder.Sql("""INSERT INTO "LookupVersions" ("Id", "Value") VALUES (1, 0);""");
        migrationBuilder.Sql("""
            CREATE FUNCTION clp_raise_lookup_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE "LookupVersions" SET "Value" = "Value" + 1 WHERE "Id" = 1;
                RETURN NULL;
            END $$;
            """);
        foreach (var table in Watched)
        {
            migrationBuilder.Sql(
                $"""CREATE TRIGGER "{table}_LookupVersion" AFTER INSERT OR UPDATE OR DELETE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION clp_raise_lookup_version();""");
        }

        // A token issued by another connection is only a second live token; a revoked one must be seen.
        migrationBuilder.Sql(
            """CREATE TRIGGER "ReplyTokens_LookupVersion" AFTER UPDATE OR DELETE ON "ReplyTokens" FOR EACH STATEMENT EXECUTE FUNCTION clp_raise_lookup_version();""");

        migrationBuilder.Sql("""
            CREATE TABLE "MessageWords" (
                "MessageId" bigint NOT NULL PRIMARY KEY REFERENCES "Messages" ("Id") ON DELETE CASCADE,
                "Words" tsvector NOT NULL);
            """);
        migrationBuilder.Sql("""CREATE INDEX "IX_MessageWords_Words" ON "MessageWords" USING GIN ("Words");""");

        // The gateway indexes what it writes; a message changed by a statement that does not (SQL run by hand) loses its
        // stale words at once and is indexed again by the search upkeep job.
        migrationBuilder.Sql("""
            CREATE FUNCTION clp_forget_message_words() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM "MessageWords" WHERE "MessageId" = OLD."Id";
                RETURN NULL;
            END $$;
            """);
        migrationBuilder.Sql("""
            CREATE TRIGGER "Messages_ForgetWords" AFTER UPDATE OF "Text", "ChannelId" ON "Messages"
            FOR EACH ROW WHEN (OLD."Text" IS DISTINCT FROM NEW."Text" OR OLD."ChannelId" IS DISTINCT FROM NEW."ChannelId")
            EXECUTE FUNCTION clp_forget_message_words();
            """);
        migrationBuilder.Sql("""ALTER TABLE "InboundMailRaws" ALTER COLUMN "Raw" SET STORAGE EXTERNAL;""");
        migrationBuilder.Sql("""ALTER TABLE "Attachments" ALTER COLUMN "Content" SET STORAGE EXTERNAL;""");
    }

    public static void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Messages_ForgetWords" ON "Messages";""");
        migrationBuilder.Sql("DROP FUNCTION IF EXISTS clp_forget_message_words();");
        migrationBuilder.Sql("""DROP TABLE IF EXISTS "MessageWords";""");
        foreach (var table in Watched.Append("ReplyTokens"))
        {
            migrationBuilder.Sql($"""DROP TRIGGER IF EXISTS "{table}_LookupVersion" ON "{table}";""");
        }

        migrationBuilder.Sql("DROP FUNCTION IF EXISTS clp_raise_lookup_version();");
        migrationBuilder.Sql("""DROP TABLE IF EXISTS "LookupVersions";""");
    }
}
