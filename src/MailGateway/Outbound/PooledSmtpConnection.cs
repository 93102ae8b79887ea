namespace ClpMailGateway.Outbound;

/// <summary>One SMTP connection of <see cref="SmtpConnectionPool"/>, with when it was last used.</summary>
internal sealed class PooledSmtpConnection(ISmtpTransport session) : IDisposable
{
    public ISmtpTransport Session { get; } = session;

    public DateTime LastUsedUtc { get; set; }

    public void Dispose() => Session.Dispose();
}
