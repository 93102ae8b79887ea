using System.Text;
using ClpMailGateway.Mail;
using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// The written notification of one message for one reason (follower or mention), cut where its recipients differ:
/// the headers To, Reply-To, Message-Id, In-Reply-To, References and List-Unsubscribe, and the unsubscribe link in
/// the text and HTML bodies. <see cref="Write"/> fills those in for a recipient and gives the bytes that composing
/// that recipient's mail (<see cref="NotificationComposer.Compose(MailOptions, MailTemplates, NotificationContent, Recipient, string, string, long)"/>)
/// and writing it would give, with the same multipart boundary. Composing and writing a MimeMessage for every recipient
/// was most of the fan-out's CPU and allocations (~72 KB per recipient).
/// <para>The link goes into the bodies byte for byte: they are written as composed, unencoded (8bit where the text is
/// 8-bit, <see cref="StoredMail.DeclareEightBit"/>; the sender has MimeKit encode them only for a server without 8BITMIME), and the
/// link is ASCII. The headers are formatted by
/// MimeKit from the same values as in a composed mail, so their encoding and folding are MimeKit's.</para>
/// Immutable once made; <see cref="Write"/> is thread-safe.
/// </summary>
public sealed class NotificationStamp
{
    /// <summary>The unsubscribe header's name.</summary>
    internal const string ListUnsubscribeField = "List-Unsubscribe";

    private static readonly string[] RecipientHeaders = ["To", "Reply-To", "Message-Id", "In-Reply-To", "References", ListUnsubscribeField];
    private static readonly byte[] NewLine = Encoding.ASCII.GetBytes(FormatOptions.Default.NewLineFormat == NewLineFormat.Dos ? "\r\n" : "\n");

    [ThreadStatic]
    private static MimeMessage? t_probe;

    private readonly List<Piece> _pieces;
    private readonly MailOptions _mail;
    private readonly int _constantBytes;

    private NotificationStamp(List<Piece> pieces, MailOptions mail)
    {
        _pieces = pieces;
        _mail = mail;
        _constantBytes = pieces.Sum(p => p.Bytes.Length);
    }

    private enum Slot
    {
        Constant,
        Header,
        TextLink,
        HtmlLink,
    }

    /// <summary>Where the recipient's unsubscribe link goes in the text body of a template (see <paramref name="marker"/>).</summary>
    internal static string TextMarker(string marker) => marker + "t";

    /// <summary>Where the recipient's unsubscribe link goes, HTML-escaped, in the HTML body of a template.</summary>
    internal static string HtmlMarker(string marker) => marker + "h";

    /// <summary>Cuts <paramref name="template"/> (a composed notification whose bodies have the <see cref="TextMarker"/>
    /// and <see cref="HtmlMarker"/> of <paramref name="marker"/> where the unsubscribe link goes, <paramref name="links"/>
    /// times in all) into its pieces.</summary>
    /// <exception cref="InvalidOperationException">The written mail does not have the markers as they were composed (a
    /// body written in a transfer encoding, which would split or change them): every recipient would get a broken link,
    /// so the message's fan-out fails instead, visibly, and is retried.</exception>
    internal static NotificationStamp Create(MimeMessage template, MailOptions mail, string marker, int links)
    {
        using var buffer = new MemoryStream(4096);
        template.WriteTo(FormatOptions.Default, buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var pieces = new List<Piece>();
        var constant = new MemoryStream(bytes.Length);

        void Flush()
        {
            if (constant.Length > 0)
            {
                pieces.Add(new Piece(Slot.Constant, constant.ToArray()));
                constant.SetLength(0);
            }
        }

        // The header block: one header per line plus its folded continuation lines, up to the empty line.
        var at = 0;
        while (at < bytes.Length && !bytes[at..].StartsWith(NewLine))
        {
            var end = StoredMail.HeaderFieldEnd(bytes, at);
            var header = bytes[at..end];
            var colon = header.IndexOf((byte)':');
            var field = colon > 0 ? Encoding.ASCII.GetString(header[..colon]) : string.Empty;
            if (!Array.Exists(RecipientHeaders, h => h.Equals(field, StringComparison.OrdinalIgnoreCase)))
            {
                constant.Write(header);
            }
            else
            {
                Flush();
                pieces.Add(new Piece(Slot.Header, Encoding.ASCII.GetBytes(field + ":"), field));
            }

            at = end;
        }

        // The body, as written, but for the two markers.
        var textMarker = Encoding.ASCII.GetBytes(TextMarker(marker));
        var htmlMarker = Encoding.ASCII.GetBytes(HtmlMarker(marker));
        var body = bytes[at..];
        while (true)
        {
            var text = body.IndexOf(textMarker);
            var html = body.IndexOf(htmlMarker);
            if (text < 0 && html < 0)
            {
                constant.Write(body);
                break;
            }

            var isText = text >= 0 && (html < 0 || text < html);
            var next = isText ? text : html;
            constant.Write(body[..next]);
            Flush();
            pieces.Add(new Piece(isText ? Slot.TextLink : Slot.HtmlLink, []));
            body = body[(next + (isText ? textMarker : htmlMarker).Length)..];
        }

        Flush();
        var found = pieces.Count(p => p.Slot is Slot.TextLink or Slot.HtmlLink);
        if (found != links)
        {
            throw new InvalidOperationException(
                $"The notification template has {found} of its {links} unsubscribe links where they can be filled in: a body was written encoded.");
        }

        return new NotificationStamp(pieces, mail);
    }

    /// <summary>The written notification for <paramref name="recipient"/>, as the composer would write it.</summary>
    public byte[] Write(NotificationContent content, Recipient recipient, string replyToken, string unsubscribeToken)
    {
        // The recipient's own headers, set on a message of this thread's through the composer's own setters, so MimeKit
        // encodes and folds them exactly as in a composed mail (a new MimeMessage per recipient would first make a Date
        // and a random Message-Id of its own, which costs more than all of this).
        var own = NotificationComposer.RecipientValues(_mail, content, recipient, replyToken, unsubscribeToken);
        var probe = t_probe ??= new MimeMessage();
        probe.To.Clear();
        probe.ReplyTo.Clear();
        probe.References.Clear();
        probe.InReplyTo = null;
        probe.Headers.Remove(ListUnsubscribeField);
        NotificationComposer.SetRecipientHeaders(probe, own);
        probe.Headers.Add(ListUnsubscribeField, own.ListUnsubscribe);
        var textLink = Encoding.UTF8.GetBytes(own.UnsubscribeUrl);
        var htmlLink = Encoding.UTF8.GetBytes(MailTemplates.EscapeHtml(own.UnsubscribeUrl));
        using var output = new MemoryStream(_constantBytes + 1024);
        foreach (var piece in _pieces)
        {
            switch (piece.Slot)
            {
                case Slot.Constant:
                    output.Write(piece.Bytes);
                    break;
                case Slot.TextLink:
                    output.Write(textLink);
                    break;
                case Slot.HtmlLink:
                    output.Write(htmlLink);
                    break;
                default:
                    // A header this recipient's mail has none of (In-Reply-To of the notification that starts the
                    // thread) is left out, name and all.
                    if (FindHeader(probe.Headers, piece.Field!) is { } header)
                    {
                        output.Write(piece.Bytes);
                        output.Write(header.RawValue);
                    }

                    break;
            }
        }

        return output.ToArray();
    }

    private static Header? FindHeader(HeaderList headers, string field)
    {
        foreach (var header in headers)
        {
            if (header.Field.Equals(field, StringComparison.OrdinalIgnoreCase))
            {
                return header;
            }
        }

        return null;
    }

    /// <param name="Bytes">A constant piece's bytes; a header's name and colon as the template wrote them.</param>
    /// <param name="Field">A header's name (one of <see cref="RecipientHeaders"/>).</param>
    private sealed record Piece(Slot Slot, byte[] Bytes, string? Field = null);
}
