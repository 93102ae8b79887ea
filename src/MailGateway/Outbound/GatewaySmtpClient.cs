using MailKit;
using MailKit.Net.Smtp;

namespace ClpMailGateway.Outbound;

/// <summary>
/// MailKit's client, sending with BDAT whenever the server offers CHUNKING (<see cref="SmtpOptions.Chunking"/>), not only
/// for binary parts. MailKit pipelines MAIL FROM and RCPT TO either way; with DATA it then sends DATA, waits for 354,
/// sends the dot-stuffed content and waits for 250 (three round trips per mail), while <c>BDAT n LAST</c> goes out in one
/// write with the content and needs no dot-stuffing (two round trips). Seen in MailKit's protocol log against Postfix.
/// </summary>
internal sealed class GatewaySmtpClient(bool preferChunking, IProtocolLogger? protocolLogger = null)
    : SmtpClient(protocolLogger ?? new NullProtocolLogger())
{
    protected override bool PreferSendAsBinaryData => preferChunking;
}
