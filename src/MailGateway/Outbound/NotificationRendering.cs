using MimeKit;

namespace ClpMailGateway.Outbound;

/// <summary>
/// What the notifications of one message share, made once per message instead of once per recipient: the text and
/// HTML bodies (rendered once per reason, reader's time zone and language, with a marker where the recipient's unsubscribe link goes) and each attached
/// file in its transfer encoding, or, <see cref="ByReference"/>, a reference to the file's row instead of its bytes.
/// Pass the same instance to <see cref="NotificationComposer.Compose(Mail.MailOptions, MailTemplates, NotificationContent, Recipient, string, string, long, NotificationRendering?)"/>
/// for every recipient of one message only. Not thread-safe.
/// </summary>
public sealed class NotificationRendering
{
    /// <summary>Attached files are written as references (<see cref="AttachedFiles"/>), filled in when the mail is sent,
    /// so the outbox holds each file once (in its attachment row) rather than once per recipient; the files'
    /// <see cref="NotificationFile.Content"/> is then not needed.</summary>
    public bool ByReference { get; init; }

    private readonly Dictionary<(RecipientReason Reason, string TimeZone, string Language), (string Text, string Html)> _bodies = [];
    private readonly Dictionary<long, (ContentEncoding Encoding, byte[] Bytes)> _files = [];

    /// <summary>Stands for the unsubscribe link in the shared bodies: random per message, so no text can contain it;
    /// letters and digits only, so HTML escaping leaves it as it is.</summary>
    internal string Marker { get; } = NewMarker();

    private readonly Dictionary<(RecipientReason Reason, string TimeZone, string Language), NotificationStamp> _stamps = [];

    internal static string NewMarker() => "clpunsubscribe" + Guid.NewGuid().ToString("N");

    /// <summary>The stamp of this message's notifications for <paramref name="recipient"/>'s reason, time zone and language, made
    /// by <paramref name="make"/> for the first recipient that needs it.</summary>
    internal NotificationStamp Stamp(Recipient recipient, Func<NotificationStamp> make)
    {
        var key = (recipient.Reason, recipient.TimeZone, recipient.Language);
        if (!_stamps.TryGetValue(key, out var stamp))
        {
            stamp = make();
            _stamps[key] = stamp;
        }

        return stamp;
    }

    private string? _textHtml;

    /// <summary>The message's text as HTML (<see cref="Rendering.MessageMarkdown"/>), made once for every language.</summary>
    internal string TextHtml(string text) => _textHtml ??= Rendering.MessageMarkdown.ToHtml(text);

    internal (string Text, string Html) Bodies(Recipient recipient, Func<(string Text, string Html)> render)
    {
        var key = (recipient.Reason, recipient.TimeZone, recipient.Language);
        if (!_bodies.TryGetValue(key, out var bodies))
        {
            bodies = render();
            _bodies[key] = bodies;
        }

        return bodies;
    }

    /// <summary>Gives <paramref name="part"/> (a fresh attachment of file <paramref name="fileId"/>) the content as
    /// encoded for the first recipient, so MimeKit writes it as it is instead of encoding the file again.</summary>
    internal void ShareEncoded(long fileId, MimePart part)
    {
        if (!_files.TryGetValue(fileId, out var encoded) || encoded.Encoding != part.ContentTransferEncoding)
        {
            using var buffer = new MemoryStream();
            part.WriteTo(FormatOptions.Default, buffer, contentOnly: true);
            encoded = (part.ContentTransferEncoding, buffer.ToArray());
            _files[fileId] = encoded;
        }

        part.Content = new MimeContent(new MemoryStream(encoded.Bytes, writable: false), encoded.Encoding);
    }
}
