using System.Data.Common;
using System.Globalization;

namespace ClpMailGateway.Storage;

/// <summary>Statements both providers run alike (quoted names, <c>@name</c> parameters), shared by their dialects.</summary>
internal static class StoreQueries
{
    public static Task<bool> AlreadyPostedAsync(GatewayDbContext db, int channelId, string sourceMessageId, CancellationToken cancellationToken) =>
        db.WithCommandAsync(
            async query =>
            {
                query.CommandText = """SELECT EXISTS (SELECT 1 FROM "Messages" WHERE "ChannelId" = @channel AND "SourceMessageId" = @source)""";
                query.Add("channel", channelId);
                query.Add("source", sourceMessageId);
                return Convert.ToBoolean(await query.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            },
            cancellationToken);

    public static Task<long> LookupVersionAsync(GatewayDbContext db, CancellationToken cancellationToken) =>
        db.WithCommandAsync(
            async command =>
            {
                command.CommandText = """SELECT "Value" FROM "LookupVersions" WHERE "Id" = 1""";
                return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            },
            cancellationToken);

    public static Task EnsureAddressHealthAsync(GatewayDbContext db, string address, CancellationToken cancellationToken) =>
        db.WithCommandAsync(
            async command =>
            {
                command.Add("address", address);
                return await command.ExecuteAsync(
                    """
                    INSERT INTO "AddressHealth" ("Address", "TransientBounces", "PermanentBounces", "BounceScore")
                    VALUES (@address, 0, 0, 0) ON CONFLICT DO NOTHING
                    """,
                    cancellationToken);
            },
            cancellationToken);

    /// <summary>See <see cref="IInboundClaims.RecordAttemptAsync"/>.</summary>
    public static Task<int?> RecordAttemptAsync(GatewayDbContext db, long id, string at, CancellationToken cancellationToken) =>
        db.WithCommandAsync(
            async command =>
            {
                command.CommandText = """
                    UPDATE "InboundMails"
                    SET "Attempts" = "Attempts" + 1,
                        "Trace" = CASE WHEN "Attempts" = 0 THEN "Trace"
                            ELSE substr("Trace", 1, length("Trace") - 1) || ',{"at":"' || @at || '","step":"attempt","detail":"attempt '
                                || ("Attempts" + 1) || '; the last one ended without an outcome"}]' END
                    WHERE "Id" = @id AND "Status" = @pending
                    RETURNING "Attempts"
                    """;
                command.Add("id", id);
                command.Add("at", at);
                command.Add("pending", nameof(Domain.InboundStatus.Pending));
                return await command.ExecuteScalarAsync(cancellationToken) is { } attempts and not DBNull
                    ? (int?)Convert.ToInt32(attempts, CultureInfo.InvariantCulture)
                    : null;
            },
            cancellationToken);

    /// <summary>Counts a failed fan-out of a message with its error, in the current transaction; returns its attempts.</summary>
    public static async Task<int> RecordFanoutFailureAsync(GatewayDbContext db, long messageId, string error, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        command.CommandText = """UPDATE "PendingFanouts" SET "Attempts" = "Attempts" + 1, "LastError" = @error WHERE "MessageId" = @id RETURNING "Attempts" """;
        command.Add("error", error.Length > 2000 ? error[..2000] : error);
        command.Add("id", messageId);
        return await command.ExecuteScalarAsync(cancellationToken) is { } attempts and not DBNull
            ? Convert.ToInt32(attempts, CultureInfo.InvariantCulture)
            : 0;
    }

    public static async Task<HashSet<string>> ReadStringsAsync(DbCommand query, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }
}

/// <summary>Renewing the outbox leases a process holds (the same statement on both providers).</summary>
internal static class OutboxLeases
{
    public static Task<int> RenewAsync(GatewayDbContext db, string owner, DateTime untilUtc, CancellationToken cancellationToken) =>
        db.WithCommandAsync(
            async command =>
            {
                command.Add("owner", owner);
                command.Add("until", untilUtc);
                return await command.ExecuteAsync(
                    """UPDATE "OutboundMails" SET "ClaimedUntilUtc" = @until WHERE "ClaimedBy" = @owner AND "Status" = 'Pending'""",
                    cancellationToken);
            },
            cancellationToken);
}
