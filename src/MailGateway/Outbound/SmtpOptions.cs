using System.ComponentModel.DataAnnotations;
using ClpMailGateway.MailAuth;
using MailKit.Security;

namespace ClpMailGateway.Outbound;

/// <summary>The MTA the gateway sends through (section <c>Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 2525;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;

    /// <summary>SHA-256 of the server's certificate, in hex (colons and spaces allowed), accepted although the system does
    /// not trust it: an MTA with a self-signed certificate. Empty: the system's trust only. Other certificates are checked
    /// as always.</summary>
    public string CertificateSha256 { get; set; } = string.Empty;

    /// <summary>The SMTP client the outbox sends with: MailKit's (the default) or the native one.</summary>
    public SmtpClientKind Client { get; set; } = SmtpClientKind.MailKit;

    /// <summary>Empty: no SMTP AUTH. With <see cref="MailAuthMechanism.OAuth2"/>, the mailbox the token is for.</summary>
    public string Username { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;

    /// <summary>Password, or OAuth2 with a token from <see cref="OAuth2"/> (needs <see cref="Username"/>).</summary>
    public MailAuthMechanism AuthMechanism { get; set; } = MailAuthMechanism.Password;

    public OAuth2Options OAuth2 { get; set; } = new();

    /// <summary>A file the SMTP conversation of every connection is appended to (credentials masked), for diagnosing a
    /// relay in production; empty: none. It includes the mails' content.</summary>
    public string ProtocolLog { get; set; } = string.Empty;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the outbox is swept for mails due (new mails also wake it at once).</summary>
    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts before a mail that keeps failing temporarily is given up (then Failed, kept for operators).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First retry delay; each further attempt doubles it (with jitter), capped by <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>SMTP connections used at once by the outbox; they are kept open and reused between runs.</summary>
    [Range(1, 64)]
    public int Connections { get; set; } = 4;

    /// <summary>Send with BDAT (RFC 3030 CHUNKING) when the server offers it: with PIPELINING the whole transaction goes
    /// out in one write, one round trip per mail instead of two with DATA, and no dot-stuffing (<see cref="SmtpSession"/>).
    /// Servers without CHUNKING get DATA as always; false forces DATA (for an MTA whose CHUNKING is broken).</summary>
    public bool Chunking { get; set; } = true;

    /// <summary>A pooled connection idle longer than this is checked with NOOP before reuse (servers drop idle ones).</summary>
    public TimeSpan IdleCheckAfter { get; set; } = TimeSpan.FromSeconds(30);
}
