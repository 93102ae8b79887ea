using MimeKit;

namespace ClpMailGateway.Parsing;

/// <summary>The leaf parts of a message, as <see cref="MimeMessage.BodyParts"/> lists them (attached messages are one
/// part each, not entered), walked with a stack of its own: MimeKit's enumeration nests one iterator per multipart
/// level, so each part costs as many steps as it is deep.</summary>
internal static class MimeParts
{
    public static List<MimeEntity> Of(MimeMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parts = new List<MimeEntity>();
        if (message.Body is null)
        {
            return parts;
        }

        var pending = new Stack<MimeEntity>();
        pending.Push(message.Body);
        while (pending.TryPop(out var entity))
        {
            if (entity is Multipart multipart)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var i = multipart.Count - 1; i >= 0; i--)
                {
                    pending.Push(multipart[i]);
                }
            }
            else
            {
                parts.Add(entity);
            }
        }

        return parts;
    }

    /// <summary>A part MimeKit left whole because it was nested deeper than <see cref="RawMessage.MaxMimeDepth"/>: a
    /// multipart or attached message read as one opaque part.</summary>
    public static bool IsBeyondDepth(MimeEntity entity) =>
        entity is MimePart && (entity.ContentType.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase)
            || entity.ContentType.IsMimeType("message", "rfc822") || entity.ContentType.IsMimeType("message", "global"));
}
