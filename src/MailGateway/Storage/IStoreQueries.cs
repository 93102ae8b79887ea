namespace ClpMailGateway.Storage;

/// <summary>Queries the hot paths run as plain statements instead of LINQ (EF's building and materializing of them cost
/// more than running them).</summary>
public interface IStoreQueries
{
    /// <summary>Of <paramref name="addresses"/>, those whose mail is suppressed (a permanent bounce).</summary>
    Task<HashSet<string>> SuppressedAsync(GatewayDbContext db, IReadOnlyCollection<string> addresses, CancellationToken cancellationToken);

    /// <summary>Whether channel <paramref name="channelId"/> has a message from the mail of this Message-ID already.</summary>
    Task<bool> AlreadyPostedAsync(GatewayDbContext db, int channelId, string sourceMessageId, CancellationToken cancellationToken);

    /// <summary>Makes the address's health row if it has none (<c>INSERT … ON CONFLICT DO NOTHING</c>), so that processes
    /// recording bounces of it at once update one row.</summary>
    Task EnsureAddressHealthAsync(GatewayDbContext db, string address, CancellationToken cancellationToken);

    /// <summary>The version of every row a lookup cache may hold: raised by the database on every change of them.</summary>
    Task<long> LookupVersionAsync(GatewayDbContext db, CancellationToken cancellationToken);
}
