namespace ClpMailGateway.Outbound;

/// <summary>One SMTP reply (RFC 5321 §4.2): its three-digit code and its text, the lines of a multi-line reply joined
/// by newlines, each without its code; <see cref="Command"/> is what it answered (null: a reply the session made itself,
/// nothing was sent).</summary>
public readonly record struct SmtpReply(int Code, string Text, string? Command = null)
{
    public const string MailFrom = "MAIL FROM";

    public const string RcptTo = "RCPT TO";

    public const string Content = "end of data";

    public bool IsPositive => Code is >= 200 and < 400;

    public bool IsPermanent => Code >= 500;

    /// <summary>421: the server is closing the connection (RFC 5321 §3.8).</summary>
    public bool ClosesConnection => Code == 421;

    /// <summary>As the outbox records it: "550 5.1.1 &lt;x@y&gt;: Recipient address rejected: ... (RCPT TO)".</summary>
    public override string ToString() => $"{Code} {Text.Replace('\n', ' ')}{(Command is null ? string.Empty : $" ({Command})")}";

    /// <summary>The reply for <paramref name="command"/>.</summary>
    public SmtpReply To(string command) => this with { Command = command };

    /// <summary>One line of a reply: <c>250-text</c> (more lines follow), <c>250 text</c> or <c>250</c> (the last). False
    /// for anything else, a code outside 2xx–5xx included.</summary>
    public static bool TryParseLine(ReadOnlySpan<byte> line, out int code, out bool more, out string text)
    {
        code = 0;
        more = false;
        text = string.Empty;
        if (line.Length < 3 || line[0] is < (byte)'2' or > (byte)'5' || !char.IsAsciiDigit((char)line[1]) || !char.IsAsciiDigit((char)line[2]))
        {
            return false;
        }

        code = ((line[0] - '0') * 100) + ((line[1] - '0') * 10) + (line[2] - '0');
        if (line.Length == 3)
        {
            return true;
        }

        if (line[3] is not ((byte)' ' or (byte)'-'))
        {
            code = 0;
            return false;
        }

        more = line[3] == '-';
        text = System.Text.Encoding.UTF8.GetString(line[4..]);
        return true;
    }
}

/// <summary>The server broke the protocol (a reply that is not one, a greeting or an extension we need missing), or
/// refused a step of opening the session (EHLO, STARTTLS, AUTH). The connection is not reused.</summary>
public sealed class SmtpSessionException(string message, SmtpReply? reply = null) : IOException(reply is { } r ? $"{message}: {r}" : message)
{
    public SmtpReply? Reply { get; } = reply;
}
