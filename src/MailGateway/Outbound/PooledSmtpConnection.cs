using MailKit.Net.Smtp;

namespace ClpMailGateway.Outbound;

/// <summary>One SMTP connection of <see cref="SmtpConnectionPool"/>, with when it was last used.</summary>
internal sealed class PooledSmtpConnection(SmtpClient client) : IDisposable
{
    public SmtpClient Client { get; } = client;

    public DateTime LastUsedUtc { get; set; }

    public void Dispose() => Client.Dispose();
}
