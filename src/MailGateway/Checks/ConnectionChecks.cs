using System.Globalization;
using System.Net.Sockets;
using ClpMailGateway.Inbound;
using ClpMailGateway.Mail;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Outbound;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.Checks;

/// <summary>
/// What an operator checks first when mail stops: can the gateway reach and log in to its mailbox (<c>imap test</c>) and
/// its relay (<c>smtp test</c>), and what do they offer. The checks use the configured settings, clients and logins, so
/// a check that passes means the gateway's own connections will. Each returns the steps that went through, or throws
/// <see cref="ConnectionCheckException"/> naming the step that did not.
/// </summary>
public sealed class ConnectionChecks(
    IOptions<ImapOptions> imap, IOptions<SmtpOptions> smtp, IOptions<MailOptions> mail, IOptions<NotificationOptions> notifications, MailTemplates templates,
    MailLogins logins, SmtpTransportFactory transports, TimeProvider timeProvider)
{
    /// <summary>Connects and logs in to the mailbox, lists its folders and counts the polled one.</summary>
    public async Task<IReadOnlyList<ConnectionCheck>> ImapAsync(CancellationToken cancellationToken)
    {
        var settings = imap.Value;
        var where = $"IMAP {settings.Host}:{settings.Port.ToString(CultureInfo.InvariantCulture)} as {settings.Username}";
        var checks = new List<ConnectionCheck>();
        ImapClient client;
        IReadOnlyList<string> offered = [];
        var mechanism = string.Empty;
        try
        {
            client = await ImapConnector.ConnectAsync(settings, logins.Imap, (o, m) => (offered, mechanism) = (o, m), cancellationToken);
        }
        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
        {
            throw new ConnectionCheckException($"imap test: {where}: {Describe(ex)}", ex);
        }

        using (client)
        {
            checks.Add(new ConnectionCheck("imap_connected", new Dictionary<string, object?>
            {
                ["host"] = settings.Host,
                ["port"] = settings.Port,
                ["tls"] = client.IsSecure ? client.SslProtocol.ToString() : null,
                ["username"] = settings.Username,
                ["auth_mechanism"] = settings.AuthMechanism == MailAuthMechanism.OAuth2 ? "OAuth2" : "Password",
                ["auth_offered"] = offered,
                ["authenticated_with"] = mechanism,
                ["idle"] = client.Capabilities.HasFlag(ImapCapabilities.Idle),
                ["move"] = client.Capabilities.HasFlag(ImapCapabilities.Move),
            }));
            try
            {
                var root = client.GetFolder(client.PersonalNamespaces[0]);
                var folders = (await root.GetSubfoldersAsync(false, cancellationToken)).Select(f => f.FullName).Prepend("INBOX").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                checks.Add(new ConnectionCheck("imap_folders", new Dictionary<string, object?>
                {
                    ["folders"] = folders,
                    ["processed_folder"] = settings.ProcessedFolder,
                    ["processed_folder_exists"] = folders.Contains(settings.ProcessedFolder, StringComparer.OrdinalIgnoreCase),
                    ["rejected_folder"] = settings.RejectedFolder,
                    ["rejected_folder_exists"] = folders.Contains(settings.RejectedFolder, StringComparer.OrdinalIgnoreCase),
                }));
                var mailbox = await ImapConnector.OpenMailboxAsync(client, settings.Mailbox, FolderAccess.ReadOnly, cancellationToken);
                checks.Add(new ConnectionCheck("imap_mailbox", new Dictionary<string, object?>
                {
                    ["mailbox"] = settings.Mailbox,
                    ["messages"] = mailbox.Count,
                    ["uid_validity"] = mailbox.UidValidity,
                }));
                await client.DisconnectAsync(true, cancellationToken);
            }
            catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken) || ex is FolderNotFoundException)
            {
                throw new ConnectionCheckException($"imap test: {where}: mailbox {settings.Mailbox}: {Describe(ex)}", ex);
            }
        }

        return checks;
    }

    /// <summary>Connects and logs in to the relay; with <paramref name="to"/>, sends it one test mail. Blocking (the SMTP
    /// clients are).</summary>
    public IReadOnlyList<ConnectionCheck> Smtp(string? to, CancellationToken cancellationToken)
    {
        var settings = smtp.Value;
        var where = $"SMTP {settings.Host}:{settings.Port.ToString(CultureInfo.InvariantCulture)} ({settings.Client} client)";
        ISmtpTransport transport;
        try
        {
            transport = transports.Connect(cancellationToken);
        }
        catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
        {
            throw new ConnectionCheckException($"smtp test: {where}: {Describe(ex)}", ex);
        }

        using (transport)
        {
            var offer = transport.Offer;
            var checks = new List<ConnectionCheck>
            {
                new("smtp_connected", new Dictionary<string, object?>
                {
                    ["host"] = settings.Host,
                    ["port"] = settings.Port,
                    ["client"] = settings.Client.ToString(),
                    ["tls"] = offer.Tls,
                    ["hello"] = offer.Hello,
                    ["pipelining"] = offer.Pipelining,
                    ["chunking"] = offer.Chunking,
                    ["8bitmime"] = offer.EightBitMime,
                    ["smtputf8"] = offer.SmtpUtf8,
                    ["size"] = offer.MaxSize,
                    ["auth_offered"] = offer.AuthMechanisms.Order(StringComparer.Ordinal).ToList(),
                    ["authenticated_with"] = offer.AuthenticatedWith,
                }),
            };
            if (to is not null)
            {
                var from = mail.Value.NotificationsFrom;
                var (content, messageId) = TestMail(from, to);
                SmtpReply reply;
                try
                {
                    reply = transport.Send(new SmtpEnvelope(from, to), content, cancellationToken);
                }
                catch (Exception ex) when (IsConnectionFailure(ex, cancellationToken))
                {
                    throw new ConnectionCheckException($"smtp test: {where}: sending to {to}: {Describe(ex)}", ex);
                }

                if (!reply.IsPositive)
                {
                    throw new ConnectionCheckException($"smtp test: {where}: the test mail to {to} was refused: {reply}");
                }

                checks.Add(new ConnectionCheck("smtp_sent", new Dictionary<string, object?>
                {
                    ["from"] = from,
                    ["to"] = to,
                    ["message_id"] = messageId,
                    ["reply"] = reply.ToString(),
                }));
            }

            transport.Quit();
            return checks;
        }
    }

    private (byte[] Content, string MessageId) TestMail(string from, string to)
    {
        using var message = SmtpTestMail.Compose(mail.Value, templates, notifications.Value.Language, from, to, timeProvider.GetUtcNow());
        message.Prepare(EncodingConstraint.SevenBit);
        using var wire = new MemoryStream();
        message.WriteTo(SmtpSession.WireFormat, wire);
        return (wire.ToArray(), message.MessageId!);
    }

    private static bool IsConnectionFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is IOException or SocketException or TimeoutException or ProtocolException or CommandException
            or MailKit.Security.AuthenticationException or System.Security.Authentication.AuthenticationException or InvalidOperationException or NotSupportedException;

    /// <summary>The cause in one line, with the inner cause when it says more (a TLS failure's certificate problem).</summary>
    private static string Describe(Exception ex)
    {
        var text = $"{ex.GetType().Name}: {ex.Message}";
        if (ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal))
        {
            text += $" ({inner.Message})";
        }

        return text.ReplaceLineEndings(" ");
    }
}
