using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>The outbox's SMTP clients as the conformance suites open them.</summary>
public static class SmtpClients
{
    /// <summary>A connection with <paramref name="client"/>, as <see cref="SmtpTransportFactory"/> opens one.</summary>
    public static ISmtpTransport Connect(SmtpClientKind client, SmtpOptions options, MailLogin? login, IProtocolLogger? log, CancellationToken cancellationToken) =>
        client == SmtpClientKind.Native
            ? SmtpSession.Connect(options, login, log, cancellationToken)
            : MailKitSmtpTransport.Connect(options, login, log, cancellationToken);

    /// <summary>The password login of <paramref name="options"/>.</summary>
    public static MailLogin PasswordLogin(SmtpOptions options) =>
        MailLogins.Create(SmtpOptions.SectionName, MailAuthMechanism.Password, options.Username, options.Password, new OAuth2Options(), TimeProvider.System, NullLoggerFactory.Instance);
}
