namespace ClpMailGateway.Outbound;

/// <summary>One SMTP connection of <see cref="SmtpConnectionPool"/>, with when it was last used.</summary>
internal sealed class PooledSmtpConnection(SmtpSession session) : IDisposable
{
    public SmtpSession Session { get; } = session;

    public DateTime LastUsedUtc { get; set; }

    public void Dispose() => Session.Dispose();
}
