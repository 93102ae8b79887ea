using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.IO;
using MimeKit.Tnef;

namespace ClpMailGateway.Parsing;

/// <summary>The real attachments of a reply: files the person attached, TNEF (<c>winmail.dat</c>) expanded into its
/// files, inline images kept only when they are not part of a signature.</summary>
internal static partial class AttachmentCollector
{
    /// <summary>Inline images smaller than this, referenced by <c>cid:</c>, are logos and signature images.</summary>
    private const long SignatureImageMaxBytes = 20 * 1024;

    /// <summary>Outlook's generated names for inline images (<c>image001.png</c>, <c>Outlook-abc.png</c>).</summary>
    [GeneratedRegex(@"^(?:image\d{3}\.(?:png|jpe?g|gif)|Outlook-[\w-]+\.(?:png|jpe?g|gif))$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GeneratedImageName();

    /// <param name="parts">The message's leaf parts (<see cref="MimeParts.Of"/>).</param>
    /// <param name="bodies">The parts read as the message text (not attachments).</param>
    /// <param name="referencedContentIds">Every <c>cid:</c> the HTML body refers to: pictures in the text, not files.</param>
    /// <param name="notes">Receives a line for each file kept as it came because it could not be read.</param>
    public static List<ExtractedAttachment> Collect(
        IReadOnlyList<MimeEntity> parts, ISet<MimeEntity> bodies, ISet<string> referencedContentIds, ICollection<string> notes, CancellationToken cancellationToken)
    {
        var list = new List<ExtractedAttachment>();
        foreach (var entity in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (bodies.Contains(entity))
            {
                continue;
            }

            switch (entity)
            {
                case TnefPart tnef:
                    list.AddRange(ExtractTnef(tnef, notes));
                    break;
                case MessagePart attachedMessage:
                    list.Add(DescribeMessage(attachedMessage));
                    break;
                case MimePart part when MimeParts.IsBeyondDepth(part):
                    notes.Add($"{PartDecoding.Describe(part)} nested deeper than {RawMessage.MaxMimeDepth} MIME levels: not entered, kept as one file");
                    list.Add(Describe(part));
                    break;
                case MimePart part when IsRealAttachment(part, referencedContentIds):
                    list.Add(DescribeDecodable(part, notes));
                    break;
            }
        }

        return list;
    }

    private static bool IsRealAttachment(MimePart part, ISet<string> referencedContentIds)
    {
        var type = part.ContentType;
        if (type.IsMimeType("application", "pgp-signature") || type.IsMimeType("application", "pkcs7-signature")
            || type.IsMimeType("application", "x-pkcs7-signature") || type.IsMimeType("message", "delivery-status")
            || type.IsMimeType("text", "rfc822-headers") || type.IsMimeType("message", "disposition-notification"))
        {
            return false;
        }

        if (part is TextPart && !part.IsAttachment && part.FileName is null)
        {
            return false; // an alternative body or a text fragment of the message, not a file
        }

        if (part.ContentId is { } contentId)
        {
            // A picture the HTML shows in the text (the person's, a signature's or the quoted history's), not a file.
            if (referencedContentIds.Contains(contentId))
            {
                return false;
            }

            if (type.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase) && !part.IsAttachment)
            {
                return !(GeneratedImageName().IsMatch(part.FileName ?? string.Empty) || Size(part) <= SignatureImageMaxBytes);
            }
        }

        return true;
    }

    /// <summary>The files inside a <c>winmail.dat</c>. The TNEF stream is kept as the file it came as when it cannot be
    /// read, when it names more files than could be taken out of it, or when nothing in it (no file, no message text)
    /// could be read: a damaged <c>winmail.dat</c> still holds what the person sent.</summary>
    private static List<ExtractedAttachment> ExtractTnef(TnefPart tnef, ICollection<string> notes)
    {
        List<MimeEntity> extracted;
        int declared;
        try
        {
            declared = DeclaredTnefAttachments(tnef);
            extracted = tnef.ExtractAttachments().ToList();
        }
        catch (Exception ex) when (ex is FormatException or IOException or InvalidOperationException or ArgumentException or TnefException)
        {
            notes.Add($"{PartDecoding.Describe(tnef)} could not be read ({ex.Message}): kept as it came");
            return [Describe(tnef)];
        }

        // The message text the TNEF carries (plain, HTML, RTF) comes first; the rest are its files.
        var files = extracted.Where(e => e is not TextPart { FileName: null }).ToList();
        if (files.Count < declared || extracted.Count == 0)
        {
            notes.Add(extracted.Count == 0
                ? $"{PartDecoding.Describe(tnef)} held no file and no text that could be read: kept as it came"
                : $"{PartDecoding.Describe(tnef)} names {declared} files, {files.Count} could be read: kept as it came");
            return [Describe(tnef)];
        }

        return files.Select(f => f is MessagePart message ? DescribeMessage(message) : Describe((MimePart)f)).ToList();
    }

    /// <summary>How many attachments the TNEF stream declares (each starts with an <c>attRenderData</c>).</summary>
    /// <exception cref="FormatException">The stream is cut off or its attributes are damaged: what MimeKit's lenient
    /// reading would take out of it is not what was sent.</exception>
    private static int DeclaredTnefAttachments(TnefPart tnef)
    {
        if (tnef.Content is null)
        {
            return 0;
        }

        using var reader = new TnefReader(tnef.Content.Open(), 0, TnefComplianceMode.Loose);
        var count = 0;
        while (reader.ReadNextAttribute())
        {
            count += reader.AttributeTag == TnefAttributeTag.AttachRenderData ? 1 : 0;
        }

        if ((reader.ComplianceStatus & Damaged) != 0)
        {
            throw new FormatException($"damaged TNEF: {reader.ComplianceStatus & Damaged}");
        }

        return count;
    }

    private const TnefComplianceStatus Damaged = TnefComplianceStatus.StreamTruncated | TnefComplianceStatus.InvalidAttributeLength
        | TnefComplianceStatus.InvalidAttributeChecksum | TnefComplianceStatus.InvalidTnefSignature | TnefComplianceStatus.AttributeOverflow
        | TnefComplianceStatus.NestingTooDeep;

    /// <summary>A file as it decodes, or, when its transfer encoding is damaged or unknown, its bytes as they came (an
    /// operator can still decode them by hand; a lenient decoding would have dropped what it could not read).</summary>
    private static ExtractedAttachment DescribeDecodable(MimePart part, ICollection<string> notes)
    {
        if (PartDecoding.Problem(part) is not { } problem)
        {
            return Describe(part);
        }

        notes.Add($"{PartDecoding.Describe(part)}: {problem}; kept as the bytes that came");
        var raw = new MimePart(part.ContentType.MediaType, part.ContentType.MediaSubtype) { FileName = part.FileName ?? DefaultName(part), Content = new MimeContent(part.Content!.Stream!, ContentEncoding.Default) };
        return Describe(raw);
    }

    private static ExtractedAttachment Describe(MimePart part) =>
        new(part.FileName ?? DefaultName(part), part.ContentType.MimeType, Size(part), part);

    /// <summary>An attached message as one file, its size as it is transmitted (CRLF line ends).</summary>
    private static ExtractedAttachment DescribeMessage(MessagePart part)
    {
        var content = new MemoryStream();
        part.Message?.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, content);
        content.Position = 0;
        var name = part.ContentDisposition?.FileName ?? part.ContentType.Name ?? (part.Message?.Subject is { Length: > 0 } subject ? subject + ".eml" : "message.eml");
        var file = new MimePart("message", "rfc822") { FileName = name, Content = new MimeContent(content) };
        return new ExtractedAttachment(name, part.ContentType.MimeType, content.Length, file);
    }

    private static string DefaultName(MimePart part) =>
        "attachment" + (MimeTypes.TryGetExtension(part.ContentType.MimeType, out var extension) ? extension : string.Empty);

    private static long Size(MimePart part)
    {
        if (part.Content is null)
        {
            return 0;
        }

        using var counter = new MeasuringStream();
        part.Content.DecodeTo(counter);
        return counter.Length;
    }
}
