namespace ClpMailGateway.Outbound;

/// <summary>Which SMTP client the outbox sends with (<c>Smtp:Client</c>).</summary>
public enum SmtpClientKind
{
    /// <summary>MailKit's <c>SmtpClient</c>: the default.</summary>
    MailKit,

    /// <summary>The gateway's own <see cref="SmtpSession"/>: the whole transaction in one pipelined write; see BENCHMARKS.md
    /// for when it is worth choosing.</summary>
    Native,
}
