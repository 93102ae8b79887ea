using MimeKit;
using MimeKit.Cryptography;

namespace ClpMailGateway.Parsing;

/// <summary>S/MIME and PGP/MIME as a reply meets them: a signature is not a file, an opaque-signed message is read from
/// inside its signature, an encrypted one cannot be read at all.</summary>
internal static class SecureMime
{
    /// <summary>Encrypted: S/MIME enveloped data, PGP/MIME (<c>multipart/encrypted</c>), or an inline PGP message as the
    /// text.</summary>
    public static bool IsEncrypted(IReadOnlyList<MimeEntity> parts) => parts.Any(p =>
        p is ApplicationPkcs7Mime { SecureMimeType: SecureMimeType.EnvelopedData or SecureMimeType.AuthEnvelopedData or SecureMimeType.Unknown }
        || p.ContentType.IsMimeType("application", "pgp-encrypted")
        || (p is TextPart { IsAttachment: false } text && StartsWithPgpMessage(text)));

    /// <summary>The signatures of <c>multipart/signed</c> parts (whatever their declared type: some clients send
    /// <c>smime.p7s</c> as <c>application/octet-stream</c>).</summary>
    public static IEnumerable<MimeEntity> SignatureParts(MimeMessage message)
    {
        var pending = new Stack<MimeEntity>();
        if (message.Body is not null)
        {
            pending.Push(message.Body);
        }

        while (pending.TryPop(out var entity))
        {
            if (entity is not Multipart multipart)
            {
                continue;
            }

            if (multipart is MultipartSigned && multipart.Count == 2)
            {
                yield return multipart[1];
                pending.Push(multipart[0]);
                continue;
            }

            foreach (var child in multipart)
            {
                pending.Push(child);
            }
        }
    }

    /// <summary>The message with an opaque S/MIME signature (<c>application/pkcs7-mime; smime-type=signed-data</c>)
    /// replaced by the content it signs; the message itself otherwise. The signature is not verified here: the sender is
    /// authenticated by the receiving MX.</summary>
    public static MimeMessage Unwrapped(MimeMessage message)
    {
        if (message.Body is not ApplicationPkcs7Mime { SecureMimeType: SecureMimeType.SignedData } signed)
        {
            return message;
        }

        try
        {
            using var context = new TemporarySecureMimeContext();
            signed.Verify(context, out var content);
            var unwrapped = new MimeMessage(message.Headers.Where(h => h.Id is not (HeaderId.ContentType or HeaderId.ContentTransferEncoding or HeaderId.ContentDisposition)))
            {
                Body = content,
            };
            return unwrapped;
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or ArgumentException or NotSupportedException or Org.BouncyCastle.Cms.CmsException)
        {
            return message;
        }
    }

    private static bool StartsWithPgpMessage(TextPart text)
    {
        if (text.Content?.Stream is not { CanSeek: true } stream)
        {
            return false;
        }

        var start = stream.Position;
        try
        {
            var head = new byte[256];
            var read = stream.Read(head, 0, head.Length);
            var prefix = System.Text.Encoding.ASCII.GetString(head, 0, read).TrimStart();
            return prefix.StartsWith("-----BEGIN PGP MESSAGE-----", StringComparison.Ordinal);
        }
        finally
        {
            stream.Position = start;
        }
    }
}
