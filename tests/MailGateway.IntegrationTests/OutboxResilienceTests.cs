using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ClpMailGateway.Outbound;
using MimeKit;
using Xunit.Abstractions;

namespace ClpMailGateway.IntegrationTests;

/// <summary>The pooled outbox sender when SMTP goes away mid-run, and its throughput against plain MailKit.</summary>
[Collection(MailServersGroup.Name)]
public sealed class OutboxResilienceTests(MailServersFixture servers, ITestOutputHelper output)
{
    [Fact]
    public async Task SendDue_SmtpStoppedMidRunThenStarted_EveryMailArrivesExactlyOnce()
    {
        await using var forwarder = new SmtpForwarder(servers.Host, servers.SmtpPort) { StopAfterQueued = 6 };
        // One connection: the stop then falls right after a 250 the client has read, never between the server's
        // acceptance and our reading it (that gap is SMTP's own duplicate window, see OutboxSender).
        await using var gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Smtp:Port"] = forwarder.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Connections"] = "1",
            ["Smtp:RetryBaseDelay"] = "00:00:00.050",
            ["Smtp:RetryMaxDelay"] = "00:00:00.200",
        });
        var (users, tag) = await gateway.PostToFollowersAsync(15);

        var firstRun = await gateway.SendOutboxAsync();
        Assert.Equal(6, firstRun);
        Assert.Equal(0, await gateway.SendOutboxAsync());
        forwarder.Start();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await gateway.OutboxAsync()).Any(m => m.Status == OutboundStatus.Pending) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            await gateway.SendOutboxAsync();
        }

        var outbox = await gateway.OutboxAsync();
        Assert.Equal(15, outbox.Count);
        Assert.All(outbox, m => Assert.Equal(OutboundStatus.Sent, m.Status));
        Assert.Contains(outbox, m => m.Attempts > 1);
        Assert.Equal(15, forwarder.Queued);
        foreach (var user in users)
        {
            await servers.WaitForMessageAsync(user.Emails[0].Address, tag, TimeSpan.FromSeconds(30));
        }

        await Task.Delay(500);
        foreach (var user in users)
        {
            Assert.Equal(1, await servers.CountAsync(user.Emails[0].Address, "INBOX"));
        }
    }

    [Fact]
    public async Task SendDue_ThousandRecipients_PrintsRateAgainstPlainMailKit()
    {
        const int Count = 1000;
        await using var gateway = await GatewayHarness.CreateAsync(servers);
        var clock = Stopwatch.StartNew();
        var (users, _) = await gateway.PostToFollowersAsync(Count);
        var posted = clock.Elapsed;

        // The baseline sends the very same rendered mails (the outbox rows' bytes) over one plain MailKit connection,
        // first; then, after Postfix has had a moment to drain, the pooled sender sends them (recipients get two copies).
        var rows = await gateway.OutboxAsync();
        clock.Restart();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(servers.Host, servers.SmtpPort, SecureSocketOptions.None);
            foreach (var row in rows)
            {
                using var same = await MimeMessage.LoadAsync(new MemoryStream(row.Raw));
                await client.SendAsync(same, MailboxAddress.Parse(row.EnvelopeFrom), [MailboxAddress.Parse(row.ToAddress)]);
            }

            await client.DisconnectAsync(true);
        }

        var baseline = clock.Elapsed;
        await Task.Delay(3000);

        clock.Restart();
        var sent = await gateway.SendOutboxAsync();
        var pooled = clock.Elapsed;

        var pooledRate = Count / pooled.TotalSeconds;
        var baselineRate = Count / baseline.TotalSeconds;
        var report = string.Create(CultureInfo.InvariantCulture,
            $"posting (recipients + render + outbox rows): {posted.TotalSeconds:0.00} s; pooled outbox sender: {Count} in {pooled.TotalSeconds:0.00} s = {pooledRate:0} mails/s; plain MailKit, one connection, same mails: {Count} in {baseline.TotalSeconds:0.00} s = {baselineRate:0} mails/s; ratio {pooledRate / baselineRate:0.00}");
        output.WriteLine(report);
        Console.WriteLine(report);
        Assert.Equal(Count, sent);
        Assert.All(await gateway.OutboxAsync(), m => Assert.Equal(OutboundStatus.Sent, m.Status));
    }

    [Fact]
    public async Task SendDue_SeveralConnectionsSomeRefused_RecordsEachOutcomeOnceAndKeepsTheRenderedMail()
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?> { ["Smtp:Connections"] = "8" });
        var (users, _) = await gateway.PostToFollowersAsync(40);
        var refused = new[] { $"unknown-{Guid.NewGuid():N}@clp.test", $"unknown-{Guid.NewGuid():N}@clp.test" };
        var original = new[] { users[3].Emails[0].Address, users[17].Emails[0].Address };
        for (var i = 0; i < refused.Length; i++)
        {
            var (from, to) = (original[i], refused[i]);
            await gateway.World.SaveAsync(db => db.OutboundMails.Where(m => m.ToAddress == from)
                .ExecuteUpdate(s => s.SetProperty(m => m.ToAddress, to)));
        }

        var before = (await gateway.OutboxAsync()).ToDictionary(m => m.Id);

        var sent = await gateway.SendOutboxAsync();

        Assert.Equal(38, sent);
        var after = await gateway.OutboxAsync();
        Assert.Equal(40, after.Count);
        foreach (var mail in after)
        {
            Assert.Equal(before[mail.Id].Raw, mail.Raw);
            Assert.Equal(before[mail.Id].ToAddress, mail.ToAddress);
            Assert.Equal(1, mail.Attempts);
            if (refused.Contains(mail.ToAddress))
            {
                Assert.Equal(OutboundStatus.Failed, mail.Status);
                Assert.StartsWith("550", mail.LastError, StringComparison.Ordinal);
                Assert.Null(mail.SentAtUtc);
            }
            else
            {
                Assert.Equal(OutboundStatus.Sent, mail.Status);
                Assert.NotNull(mail.SentAtUtc);
                Assert.Null(mail.LastError);
            }
        }

        foreach (var address in refused)
        {
            var health = await gateway.World.QueryAsync(db => db.AddressHealth.AsNoTracking().SingleAsync(a => a.Address == address));
            Assert.NotNull(health.SuppressedAtUtc);
        }

        Assert.Equal(0, await gateway.SendOutboxAsync());
    }

    /// <summary>BDAT (Smtp:Chunking, the default) and DATA both deliver the mail as rendered: lines that start with dots
    /// (DATA dot-stuffs them, BDAT must not) and 8-bit UTF-8 text arrive unchanged in Dovecot.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendDue_ChunkingOnOrOff_DotLinesAndUtf8ArriveAsRendered(bool chunking)
    {
        await using var gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?> { ["Smtp:Chunking"] = chunking ? "true" : "false" });
        var tag = "c" + Guid.NewGuid().ToString("N")[..10];
        string[] lines = [$"{tag} timing notes", ".", "..two leading dots", ". a dot and a space", "字幕のタイミングを確認しました。", "Café crème, Ærø, Ünïcödé"];
        var reader = await BroadcastToOneFollowerAsync(gateway, string.Join("\n", lines));

        Assert.Equal(1, await gateway.SendOutboxAsync());

        var rendered = MimeMessage.Load(new MemoryStream((await gateway.OutboxAsync()).Single().Raw));
        var delivered = await servers.WaitForMessageAsync(reader.Emails[0].Address, tag, TimeSpan.FromSeconds(30));
        Assert.Equal(rendered.TextBody, delivered.TextBody);
        Assert.Equal(rendered.HtmlBody, delivered.HtmlBody);
        var text = (delivered.TextBody ?? string.Empty).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, line => Assert.Contains(line, text));
    }

    /// <summary>A server without 8BITMIME: the stored 8-bit notification cannot go as it is, so it is parsed and prepared
    /// 7-bit (the long way through <see cref="OutboxSender"/>), and arrives with the same text.</summary>
    [Fact]
    public async Task SendDue_ServerWithout8BitMime_PreparesSevenBitAndTheTextArrivesUnchanged()
    {
        await using var forwarder = new SmtpForwarder(servers.Host, servers.SmtpPort)
        {
            RewriteReplies = text => text.Replace("250-8BITMIME\r\n", string.Empty, StringComparison.Ordinal),
        };
        await using var gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?>
        {
            ["Smtp:Port"] = forwarder.Port.ToString(CultureInfo.InvariantCulture),
        });
        var tag = "e" + Guid.NewGuid().ToString("N")[..10];
        var reader = await BroadcastToOneFollowerAsync(gateway, $"{tag} 字幕のタイミングを確認しました。\n.\nCafé crème");

        Assert.Equal(1, await gateway.SendOutboxAsync());

        var rendered = MimeMessage.Load(new MemoryStream((await gateway.OutboxAsync()).Single().Raw));
        Assert.Contains(rendered.BodyParts.OfType<TextPart>(), p => p.ContentTransferEncoding == ContentEncoding.EightBit);
        var delivered = await servers.WaitForMessageAsync(reader.Emails[0].Address, tag, TimeSpan.FromSeconds(30));
        Assert.Equal(rendered.TextBody, delivered.TextBody);
        Assert.Equal(rendered.HtmlBody, delivered.HtmlBody);
        Assert.All(delivered.BodyParts.OfType<TextPart>(), p => Assert.NotEqual(ContentEncoding.EightBit, p.ContentTransferEncoding));
    }

    /// <summary>Posts <paramref name="body"/> to the Broadcast channel of a new Japanese title that one new user follows;
    /// returns that follower.</summary>
    private static async Task<User> BroadcastToOneFollowerAsync(GatewayHarness gateway, string body)
    {
        var world = gateway.World;
        var title = await world.TitleAsync("ja");
        var author = await world.UserAsync(UserRole.Pm);
        var reader = await world.UserAsync(UserRole.Pm);
        await world.SaveAsync(db => db.Follows.Add(new Follow { UserId = reader.Id, TitleId = title.Id }));
        var result = await gateway.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(title, "broadcast").Id, body, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        return reader;
    }
}
