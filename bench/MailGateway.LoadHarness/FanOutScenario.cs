using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.LoadHarness;

/// <summary>
/// Fan-out (issue 7): one Broadcast post by a staff user to 2,000 vendor users (x scale), posted through the
/// gateway's <see cref="MessagePoster"/> so the notifications are queued as in production; then the gateway's real
/// <see cref="OutboxSender"/> with its <see cref="SmtpConnectionPool"/>, in this process, sends the outbox until every
/// row is Sent (Postfix accepted it). Baseline in the same run: plain MailKit sending the very same rendered
/// notifications (parsed into MimeMessages before the clock starts) over one SmtpClient connection. Postfix's queue is
/// drained before each timed phase so neither pays for the other's deliveries to Dovecot.
/// </summary>
internal sealed class FanOutScenario : IScenario
{
    private const int Recipients = 2000;
    private const int UsersPerVendor = 100;

    public string Name => "fanout";

    public int Order => 20;

    public async Task RunAsync(HarnessContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(Recipients);
        var settings = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("CLP_BENCH_SMTP_CONNECTIONS") is { Length: > 0 } connections)
        {
            settings["Smtp:Connections"] = connections;
        }

        await using var database = await context.CreateDatabaseAsync("fanout", settings);
        var (author, broadcast) = await SeedAsync(database, count, cancellationToken);

        var clock = Stopwatch.StartNew();
        await using (var scope = database.Scope())
        {
            var posted = await scope.ServiceProvider.GetRequiredService<MessagePoster>().PostAsync(
                new PostRequest(author.Id, broadcast.Id, "The locked cut of episode 4 is ready: please re-time against it. The IMF package follows on Friday; "
                    + "the template fix for forced narratives is in the style guide.", [], MessageOrigin.Web), cancellationToken);
            if (!posted.Succeeded)
            {
                throw new InvalidOperationException("fanout: the Broadcast post was refused: " + posted.Error?.Message);
            }
        }

        var postTime = clock.Elapsed;
        var rows = await OutboxAsync(database, cancellationToken);
        if (rows.Count != count)
        {
            throw new InvalidOperationException($"fanout: {rows.Count} notifications queued, {count} expected");
        }

        // Baseline: the same rendered mails, parsed before the clock starts, over one plain connection.
        var messages = rows.Select(r => (Message: MimeMessage.Load(new MemoryStream(r.Raw, writable: false)), From: MailboxAddress.Parse(r.EnvelopeFrom), To: MailboxAddress.Parse(r.ToAddress))).ToList();
        await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(HarnessContext.Host, HarnessContext.SmtpPort, SecureSocketOptions.None, cancellationToken);
            foreach (var (message, from, to) in messages)
            {
                await client.SendAsync(message, from, [to], cancellationToken);
            }

            await client.DisconnectAsync(true, cancellationToken);
        }

        var baseline = clock.Elapsed;
        var baselineCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        foreach (var (message, _, _) in messages)
        {
            message.Dispose();
        }

        // The gateway: the real outbox sender and pool, run until every row is Sent.
        await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);
        var poolSize = database.Services.GetRequiredService<IOptions<SmtpOptions>>().Value.Connections;
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        clock.Restart();
        var sent = 0;
        while (sent < count && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var scope = database.Scope();
            sent += await scope.ServiceProvider.GetRequiredService<OutboxSender>().SendDueAsync(cancellationToken);
        }

        var gateway = clock.Elapsed;
        var gatewayCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[fanout] CPU of this process per mail: plain MailKit {baselineCpu.TotalMilliseconds * 1000 / count:0} µs, gateway outbox sender {gatewayCpu.TotalMilliseconds * 1000 / count:0} µs"));
        var statuses = (await OutboxAsync(database, cancellationToken)).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        if (statuses.GetValueOrDefault(OutboundStatus.Sent) != count)
        {
            throw new InvalidOperationException("fanout: not every notification was sent: " + string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}")));
        }

        await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);

        var gatewayRate = count / gateway.TotalSeconds;
        var baselineRate = count / baseline.TotalSeconds;
        var size = rows.Average(r => r.Raw.Length);
        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"one Broadcast to {count:#,0} vendor users, outbox until Postfix accepted all (in-process OutboxSender, {poolSize} pooled connections; mails ~{size / 1024:0.0} KB)"),
            string.Create(CultureInfo.InvariantCulture, $"{Report.Rate(gatewayRate, "mails")} ({gateway.TotalSeconds:0.00} s)"),
            string.Create(CultureInfo.InvariantCulture, $"plain MailKit, same mails, one connection: {Report.Rate(baselineRate, "mails")} ({baseline.TotalSeconds:0.00} s)"),
            Report.Ratio(gatewayRate / baselineRate),
            "≥ 1.50x",
            gatewayRate / baselineRate >= 1.5));
        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"posting it: recipients, {count:#,0} rendered notifications, outbox rows, one transaction"),
            Report.Ms(postTime.TotalMilliseconds),
            "—",
            "—",
            "—",
            null));
    }

    private static async Task<(User Author, Channel Broadcast)> SeedAsync(HarnessDatabase database, int count, CancellationToken cancellationToken)
    {
        string[] languages = ["fr", "de", "es", "it", "ja", "pt-BR", "ko", "zh-Hans"];
        var title = await BenchWorld.TitleAsync(database, "bench-fanout", languages, cancellationToken);
        var people = new List<(string, UserRole, Vendor?, string[])> { ("bench-fan-pm", UserRole.Pm, null, []) };
        for (var v = 0; v * UsersPerVendor < count; v++)
        {
            var language = languages[v % languages.Length];
            var vendor = await BenchWorld.VendorAsync(database, title, $"Bench vendor {v}", [language], cancellationToken);
            for (var i = v * UsersPerVendor; i < Math.Min(count, (v + 1) * UsersPerVendor); i++)
            {
                people.Add(($"bench-fan-{i}", UserRole.Vendor, vendor, [language]));
            }
        }

        var users = await BenchWorld.UsersAsync(database, title, people, cancellationToken);
        return (users[0], BenchWorld.Channel(title, "broadcast"));
    }

    private static async Task<List<OutboundMail>> OutboxAsync(HarnessDatabase database, CancellationToken cancellationToken)
    {
        await using var scope = database.Scope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().OutboundMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
    }
}
