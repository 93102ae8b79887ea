namespace ClpMailGateway.Storage;

/// <summary>A column that holds large values (raw mails, attached files), and the key column of its row.</summary>
public sealed record BlobColumn(string Table, string Column)
{
    /// <summary>The raw bytes of a stored inbound mail.</summary>
    public static BlobColumn InboundRaw { get; } = new(Configurations.InboundMailConfiguration.RawTable, nameof(Domain.InboundMail.Raw));

    /// <summary>The content of a posted file.</summary>
    public static BlobColumn AttachmentContent { get; } = new(Configurations.AttachmentConfiguration.Table, nameof(Domain.Attachment.Content));
}

/// <summary>
/// Large values written into and read from their row piece by piece, so that the gateway never holds a whole raw mail
/// or file to store or read it.
/// </summary>
public interface IBlobStore
{
    /// <summary>Values this large or larger (raw mails, files) go through <see cref="WriteAsync"/> and
    /// <see cref="OpenRead"/> instead of being bound or read as one value.</summary>
    public const int StreamedBytes = 1024 * 1024;

    /// <summary>Sets the column of row <paramref name="rowId"/> (whose row exists) to exactly <paramref name="length"/>
    /// bytes read from <paramref name="source"/>, in the context's current transaction (or autocommit).</summary>
    /// <returns>The lower-case hex SHA-256 of the bytes written.</returns>
    /// <exception cref="InvalidDataException">The source ended before <paramref name="length"/> bytes or went on past
    /// them; roll the transaction back.</exception>
    Task<string> WriteAsync(GatewayDbContext db, BlobColumn column, long rowId, long length, Stream source, CancellationToken cancellationToken);

    /// <summary>A read-only, seekable stream over the value, read from the database as it is read. The context's
    /// connection must stay open while it is used, and the row must not change meanwhile.</summary>
    Stream OpenRead(GatewayDbContext db, BlobColumn column, long rowId);

    /// <summary>A reader on a connection of its own (the outbox sender's workers read files while its writer uses the
    /// context's).</summary>
    IBlobReader OpenReader(string connectionString);
}

/// <summary>Reads values on a connection of its own; not thread-safe.</summary>
public interface IBlobReader : IAsyncDisposable
{
    /// <exception cref="InvalidDataException">There is no such row (any more).</exception>
    Task<Stream> OpenReadAsync(BlobColumn column, long rowId, CancellationToken cancellationToken);
}
