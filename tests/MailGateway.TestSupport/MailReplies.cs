using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Tokens;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.TestSupport;

/// <summary>A plain reply by mail, from the user's address to a fresh reply token of theirs, stored and threaded by the
/// real inbound pipeline (as if the poller had fetched it).</summary>
public static class MailReplies
{
    public static async Task IngestAsync(TestDatabase database, User user, Channel channel, string text, long uid = 1)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(channel);
        var token = await database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(user.Id, channel.Id, CancellationToken.None));
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(user.Emails[0].Address));
        message.To.Add(MailboxAddress.Parse($"reply+{token}@clp.test"));
        message.Subject = "Re: [Title] Vendor";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Body = new TextPart("plain") { Text = text + "\n" };
        using var buffer = new MemoryStream();
        await message.WriteToAsync(buffer);
        var stored = await database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(uid, buffer.ToArray())], CancellationToken.None));
        await database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored.Select(r => r.Mail).ToList(), CancellationToken.None));
    }
}
