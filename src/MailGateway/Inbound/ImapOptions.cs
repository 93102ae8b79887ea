using System.ComponentModel.DataAnnotations;
using ClpMailGateway.MailAuth;
using MailKit.Security;

namespace ClpMailGateway.Inbound;

/// <summary>The gateway mailbox (section <c>Imap</c>).</summary>
public sealed class ImapOptions
{
    public const string SectionName = "Imap";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 1143;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;

    [Required]
    public string Username { get; set; } = "reply@clp.test";

    public string Password { get; set; } = string.Empty;

    /// <summary>Password, or OAuth2 with a token from <see cref="OAuth2"/>, renewed as it expires or is refused.</summary>
    public MailAuthMechanism AuthMechanism { get; set; } = MailAuthMechanism.Password;

    public OAuth2Options OAuth2 { get; set; } = new();

    /// <summary>SHA-256 of the server's certificate, accepted although the system does not trust it (see
    /// <see cref="Outbound.SmtpOptions.CertificateSha256"/>).</summary>
    public string CertificateSha256 { get; set; } = string.Empty;

    [Required]
    public string Mailbox { get; set; } = "INBOX";

    [Required]
    public string ProcessedFolder { get; set; } = "Processed";

    [Required]
    public string RejectedFolder { get; set; } = "Rejected";

    /// <summary>The safety-net poll; IDLE makes replies land within seconds in between.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool UseIdle { get; set; } = true;

    /// <summary>IDLE is re-issued this often; servers may drop an IDLE after 30 minutes (RFC 2177 asks for under 29).</summary>
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromMinutes(25);

    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A processing failure (not a rejection: a bug or an outage) is retried this many polls, then quarantined.</summary>
    [Range(1, 100)]
    public int MaxProcessingAttempts { get; set; } = 5;

    /// <summary>CPU time one mail's parse and classification may use on its thread; past it the mail is quarantined
    /// (reason <c>parse_limit</c>) and the pipeline goes on. Half of the 10 s in which every mail, however hostile, is to
    /// be handled from its delivery: a normal mail parses in milliseconds, a 50 MB one in about a second.</summary>
    public TimeSpan ParseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Memory one mail's parse may allocate, in megabytes; past it the mail is quarantined.</summary>
    [Range(16, 65536)]
    public int ParseMemoryMegabytes { get; set; } = 256;

    /// <summary>Stack of each parsing thread, in megabytes: reserved, committed only as deep as a parse goes. Large, so
    /// that a recursion no check stops reaches the time limit before it overflows the stack (which ends the process).</summary>
    [Range(1, 2048)]
    public int ParseStackMegabytes { get; set; } = 256;
}
