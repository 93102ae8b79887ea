using ClpMailGateway.MailAuth;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

/// <summary>Opens connections to the relay with the client <c>Smtp:Client</c> names, the relay's login and the protocol
/// log. A singleton.</summary>
public sealed class SmtpTransportFactory(IOptions<SmtpOptions> options, MailLogins logins, SmtpProtocolLog protocolLog)
{
    public ISmtpTransport Connect(CancellationToken cancellationToken) => Connect(options.Value, cancellationToken);

    /// <summary>With other options than the configured ones (the pool sizes of a benchmark, a client to compare).</summary>
    public ISmtpTransport Connect(SmtpOptions settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var log = protocolLog.ForConnection();
        return settings.Client == SmtpClientKind.Native
            ? SmtpSession.Connect(settings, logins.Smtp, log, cancellationToken)
            : MailKitSmtpTransport.Connect(settings, logins.Smtp, log, cancellationToken);
    }
}
