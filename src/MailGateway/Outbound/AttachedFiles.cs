using System.Globalization;
using ClpMailGateway.Storage;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Files attached to notifications by reference: the queued mail carries, for each attached file, a part with the
/// file's headers, an <see cref="Header"/> naming its attachment row and no content; <see cref="FillAsync"/> puts the
/// file in (base64) just before the mail is sent. So the outbox holds a 2 MB file sent to 50 followers once, in its
/// attachment row, instead of 50 encoded copies of 2.7 MB, and the fan-out writes none of them.
/// One instance per send run: each file is read (piece by piece, on a connection of its own, so the sender's workers can
/// use it while the outcome writer uses the DbContext's) and encoded once, then shared by the mails of the run.
/// Thread-safe.
/// </summary>
public sealed class AttachedFiles(IBlobReader reader) : IAsyncDisposable
{
    /// <summary>The header of a part that stands for an attachment row (its id); never sent.</summary>
    public const string Header = "X-CLP-Attachment";

    /// <summary>Encoded files kept for the run, at most; a larger total is encoded again for each mail.</summary>
    public const long KeptBytes = 64L * 1024 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, ArraySegment<byte>> _encoded = [];
    private long _keptBytes;

    /// <summary>Makes <paramref name="part"/> a reference to attachment <paramref name="attachmentId"/> (no content).</summary>
    public static void MarkReference(MimePart part, long attachmentId)
    {
        ArgumentNullException.ThrowIfNull(part);
        part.Headers[Header] = attachmentId.ToString(CultureInfo.InvariantCulture);
        part.Content = new MimeContent(new MemoryStream([], writable: false));
        part.ContentTransferEncoding = ContentEncoding.Base64;
    }

    /// <summary>Puts each referenced file into its part (base64) and removes the reference headers.</summary>
    /// <exception cref="InvalidDataException">A referenced attachment row does not exist (any more).</exception>
    public async Task FillAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var part in message.BodyParts.OfType<MimePart>().Where(p => p.Headers.Contains(Header)).ToList())
        {
            var value = part.Headers[Header];
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new InvalidDataException($"{Header} '{value}' is not an attachment id.");
            }

            part.Headers.Remove(Header);
            part.ContentTransferEncoding = ContentEncoding.Base64;
            var encoded = await EncodedAsync(id, cancellationToken);
            part.Content = new MimeContent(new MemoryStream(encoded.Array!, encoded.Offset, encoded.Count, writable: false), ContentEncoding.Base64);
        }
    }

    private async Task<ArraySegment<byte>> EncodedAsync(long id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_encoded.TryGetValue(id, out var kept))
            {
                return kept;
            }

            ArraySegment<byte> encoded;
            try
            {
                await using var file = await reader.OpenReadAsync(BlobColumn.AttachmentContent, id, cancellationToken);
                var part = new MimePart { Content = new MimeContent(file), ContentTransferEncoding = ContentEncoding.Base64 };
                // Base64 is 4 bytes per 3, plus a line break per line of at most 76: room enough, so no growing copy.
                using var buffer = new MemoryStream(checked((int)(file.Length / 3 * 4 + file.Length / 50 + 64)));
                await part.WriteToAsync(FormatOptions.Default, buffer, contentOnly: true, cancellationToken);
                encoded = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"Attachment {id} of this notification cannot be read: {ex.Message}", ex);
            }

            if (_keptBytes + encoded.Count <= KeptBytes)
            {
                _encoded[id] = encoded;
                _keptBytes += encoded.Count;
            }

            return encoded;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        _gate.Dispose();
    }
}
