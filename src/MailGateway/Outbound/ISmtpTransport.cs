namespace ClpMailGateway.Outbound;

/// <summary>
/// One open, authenticated SMTP connection to the relay, as the outbox sends: one mail at a time, its envelope and its
/// rendered bytes. The reply that decides the mail is returned, never thrown (a refusal at MAIL, RCPT or after the
/// content, or one the client made itself when nothing could be sent); a broken connection, a timeout or a protocol
/// violation throws (<see cref="IOException"/>, <see cref="TimeoutException"/>, ...) and leaves <see cref="IsOpen"/>
/// false. Two implementations pass the same conformance suite: MailKit's <c>SmtpClient</c> (<see cref="MailKitSmtpTransport"/>,
/// the default) and the native <see cref="SmtpSession"/> (<c>Smtp:Client = Native</c>). Blocking: each outbox worker is a
/// thread of its own.
/// </summary>
public interface ISmtpTransport : IDisposable
{
    /// <summary>What the server offered after the last EHLO (or HELO), and how the session was secured and authenticated.</summary>
    SmtpServerOffer Offer { get; }

    /// <summary>Connected and in a known state: no I/O error, timeout, broken reply or 421 so far.</summary>
    bool IsOpen { get; }

    /// <summary>One mail: <paramref name="content"/> is the whole message with CRLF line ends, 8-bit only if the server
    /// offers 8BITMIME.</summary>
    SmtpReply Send(SmtpEnvelope envelope, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>NOOP: whether a pooled connection that has been idle is still there.</summary>
    bool NoOp();

    /// <summary>QUIT (briefly waiting for its reply), then closes; errors are ignored.</summary>
    void Quit();
}

/// <summary>The envelope of one mail: its return path (empty: the null sender <c>&lt;&gt;</c>; it varies per mail, e.g. a
/// VERP address) and its one recipient.</summary>
public readonly record struct SmtpEnvelope(string Sender, string Recipient);

/// <summary>What an SMTP server offered and how the session stands, for the outbox and for <c>smtp test</c>.</summary>
public sealed record SmtpServerOffer
{
    /// <summary>EHLO, or HELO when the server refused EHLO (then no extension is used).</summary>
    public string Hello { get; init; } = "EHLO";

    public bool Pipelining { get; init; }

    public bool Chunking { get; init; }

    public bool EightBitMime { get; init; }

    public bool SmtpUtf8 { get; init; }

    public bool StartTls { get; init; }

    /// <summary>The server's SIZE limit in bytes; 0 when it states none.</summary>
    public long MaxSize { get; init; }

    public IReadOnlyList<string> AuthMechanisms { get; init; } = [];

    /// <summary>The TLS protocol of the session (e.g. Tls13); null when it is not encrypted.</summary>
    public string? Tls { get; init; }

    /// <summary>The SASL mechanism the session authenticated with; null without AUTH.</summary>
    public string? AuthenticatedWith { get; init; }
}
