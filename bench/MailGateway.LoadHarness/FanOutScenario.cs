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
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.LoadHarness;

/// <summary>
/// Fan-out (issue 7): one Broadcast post by a staff user to 2,000 vendor users (x scale), posted through the
/// gateway's <see cref="MessagePoster"/> and <see cref="NotificationFanout"/> so the notifications are queued as in production; then the gateway's real
/// <see cref="OutboxSender"/> with a real <see cref="SmtpConnectionPool"/>, in this process, sends the outbox until every
/// row is Sent (Postfix accepted it), once with each SMTP client (<c>Smtp:Client</c> MailKit and Native). Baseline in the
/// same run: plain MailKit sending the very same rendered notifications (parsed into MimeMessages before the clock
/// starts) over one SmtpClient connection. Timings on a shared
/// 2-core machine drift, so baseline and gateway alternate for CLP_BENCH_ROUNDS rounds (default 3, order rotated each
/// round) after an uncounted warm-up round, Postfix's queue is drained before each timed phase, and medians are reported; CLP_BENCH_SMTP_CONNECTIONS=4,8
/// compares pool sizes in the same run (default: the configured Smtp:Connections).
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
        await using var database = await context.CreateDatabaseAsync("fanout");
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
        int fannedOut;
        await using (var scope = database.Scope())
        {
            fannedOut = await scope.ServiceProvider.GetRequiredService<NotificationFanout>().RunAsync(cancellationToken);
        }

        var fanOutTime = clock.Elapsed - postTime;
        if (fannedOut != 1)
        {
            throw new InvalidOperationException($"fanout: the fan-out queued {fannedOut} messages, 1 expected");
        }

        var rows = await OutboxAsync(database, cancellationToken);
        if (rows.Count != count)
        {
            throw new InvalidOperationException($"fanout: {rows.Count} notifications queued, {count} expected");
        }

        // Baseline: the same rendered mails, parsed before the clock starts, over one plain connection.
        var messages = rows.Select(r => (Message: MimeMessage.Load(new MemoryStream(r.Raw, writable: false)), From: MailboxAddress.Parse(r.EnvelopeFrom), To: MailboxAddress.Parse(r.ToAddress))).ToList();
        var configured = database.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        // CLP_BENCH_SMTP_CONNECTIONS=4,8 compares pool sizes in the same run (default: the configured Smtp:Connections).
        var poolSizes = (Environment.GetEnvironmentVariable("CLP_BENCH_SMTP_CONNECTIONS") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).DefaultIfEmpty(configured.Connections).ToList();
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CLP_BENCH_ROUNDS"), CultureInfo.InvariantCulture, out var r) && r > 0 ? r : 3;
        var size = rows.Average(x => x.Raw.Length);

        // Twice: first with Postfix holding what it accepts (scripts/mail-servers hold), so both senders are measured
        // against Postfix's acceptance alone, as with an MTA on its own machine: this is the figure of the target.
        // Then with Postfix delivering into Dovecot at the same time, on the same two cores, for comparison.
        foreach (var held in new[] { true, false })
        {
            if (held)
            {
                await MailServers.HoldAsync(context, true, cancellationToken);
            }

            try
            {
                await MeasureAsync(context, database, configured, poolSizes, rounds, messages, count, size, held, cancellationToken);
            }
            finally
            {
                if (held)
                {
                    await MailServers.HoldAsync(context, false, CancellationToken.None);
                }
            }
        }

        foreach (var (message, _, _) in messages)
        {
            message.Dispose();
        }

        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"posting it (its transaction marks it pending), then its fan-out: recipients, {count:#,0} rendered notifications, outbox rows"),
            $"post {Report.Ms(postTime.TotalMilliseconds)}, fan-out {Report.Ms(fanOutTime.TotalMilliseconds)}",
            "—",
            "—",
            "—",
            null));
    }

    /// <summary>The baseline and the gateway with each SMTP client alternate for several rounds (the order rotated each
    /// round, so drift in the shared machine's load favours none) after an uncounted warm-up round; medians are reported.</summary>
    private async Task MeasureAsync(
        HarnessContext context, HarnessDatabase database, SmtpOptions configured, List<int> poolSizes, int rounds,
        List<(MimeMessage Message, MailboxAddress From, MailboxAddress To)> messages, int count, double size, bool held, CancellationToken cancellationToken)
    {
        var mode = held ? "Postfix holding accepted mail" : "Postfix delivering to Dovecot meanwhile";
        // null: the baseline, plain MailKit with DATA over one connection; then the gateway with each client and pool size.
        var variants = new List<(SmtpClientKind? Client, int Connections)> { (null, 1) };
        foreach (var client in new[] { SmtpClientKind.MailKit, SmtpClientKind.Native })
        {
            variants.AddRange(poolSizes.Select(p => ((SmtpClientKind?)client, p)));
        }

        var rates = variants.ToDictionary(v => v, _ => new List<double>());
        // Round 0 warms up (JIT, connections, Postfix's processes) and is not counted: in the first round, whichever
        // side ran first paid for it.
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var variant in variants.Skip(round % variants.Count).Concat(variants.Take(round % variants.Count)))
            {
                await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);
                var (elapsed, cpu) = variant.Client is { } client
                    ? await GatewayRoundAsync(database, configured, client, variant.Connections, count, cancellationToken)
                    : await PlainRoundAsync(messages, cancellationToken);
                if (round > 0)
                {
                    rates[variant].Add(count / elapsed.TotalSeconds);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[fanout] {mode}, {(round == 0 ? "warm-up" : $"round {round}")}: {(variant.Client is { } c ? $"gateway outbox sender, {c} client, {variant.Connections} connections" : "plain MailKit, one connection")} {count / elapsed.TotalSeconds:0} mails/s ({elapsed.TotalSeconds:0.00} s), CPU of this process {cpu.TotalMilliseconds * 1000 / count:0} µs/mail"));
            }
        }

        await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);
        var baselineRates = rates[(null, 1)];
        var baselineRate = Stats.Percentile(baselineRates, 50);
        foreach (var variant in variants.Where(v => v.Client is not null))
        {
            var client = variant.Client!.Value;
            var gatewayRates = rates[variant];
            var gatewayRate = Stats.Percentile(gatewayRates, 50);
            var ratios = gatewayRates.Zip(baselineRates, (g, b) => g / b).ToList();
            var target = client == SmtpClientKind.MailKit ? 1.2 : 1.8;
            context.Report.Add(new ReportRow(
                Name,
                string.Create(CultureInfo.InvariantCulture, $"one Broadcast to {count:#,0} vendor users, outbox until Postfix accepted all, {mode} (in-process OutboxSender, Smtp:Client {client}{(client == SmtpClientKind.MailKit ? " (default)" : string.Empty)}, {variant.Connections} pooled connections{(variant.Connections == configured.Connections ? " (Smtp:Connections default)" : string.Empty)}; mails ~{size / 1024:0.0} KB; median of {rounds} rounds)"),
                string.Create(CultureInfo.InvariantCulture, $"{Report.Rate(gatewayRate, "mails")} (rounds {Join(gatewayRates)})"),
                string.Create(CultureInfo.InvariantCulture, $"plain MailKit, same mails, one connection: {Report.Rate(baselineRate, "mails")} (rounds {Join(baselineRates)})"),
                string.Create(CultureInfo.InvariantCulture, $"{Report.Ratio(gatewayRate / baselineRate)} (per round {Report.Ratio(ratios.Min())}–{Report.Ratio(ratios.Max())})"),
                held ? string.Create(CultureInfo.InvariantCulture, $"≥ {target:0.0}x") : "— (shown for comparison)",
                held ? gatewayRate / baselineRate >= target : null));
        }
    }

    /// <returns>The time until the last mail was accepted, and this process's CPU time meanwhile.</returns>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu)> PlainRoundAsync(
        List<(MimeMessage Message, MailboxAddress From, MailboxAddress To)> messages, CancellationToken cancellationToken)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var client = new SmtpClient();
        await client.ConnectAsync(HarnessContext.Host, HarnessContext.SmtpPort, SecureSocketOptions.None, cancellationToken);
        foreach (var (message, from, to) in messages)
        {
            await client.SendAsync(message, from, [to], cancellationToken);
        }

        await client.DisconnectAsync(true, cancellationToken);
        return (clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>The real outbox sender with a real pool of the given size (a fresh scope per run, as the job has; the
    /// pool is made here so pool sizes can be compared in one run), run until every row is Sent;
    /// afterwards the rows are set back to Pending for the next round (outside the time and CPU measured).</summary>
    /// <returns>The time until the last mail was accepted, and this process's CPU time meanwhile.</returns>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu)> GatewayRoundAsync(HarnessDatabase database, SmtpOptions configured, SmtpClientKind client, int connections, int count, CancellationToken cancellationToken)
    {
        var options = Options.Create(new SmtpOptions
        {
            Host = configured.Host,
            Port = configured.Port,
            Security = configured.Security,
            Username = configured.Username,
            Password = configured.Password,
            Timeout = configured.Timeout,
            MaxAttempts = configured.MaxAttempts,
            RetryBaseDelay = configured.RetryBaseDelay,
            RetryMaxDelay = configured.RetryMaxDelay,
            IdleCheckAfter = configured.IdleCheckAfter,
            Chunking = Environment.GetEnvironmentVariable("CLP_BENCH_CHUNKING") == "0" ? false : configured.Chunking,
            Connections = connections,
            Client = client,
        });
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await using var pool = new SmtpConnectionPool(options, database.Services.GetRequiredService<SmtpTransportFactory>(), TimeProvider.System, NullLogger<SmtpConnectionPool>.Instance);
        var sent = 0;
        while (sent < count && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var scope = database.Scope();
            var sender = new OutboxSender(scope.ServiceProvider.GetRequiredService<GatewayDbContext>(), pool, options, scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>(), TimeProvider.System, new ClpMailGateway.Hosting.FailureLog(TimeProvider.System, NullLogger<ClpMailGateway.Hosting.FailureLog>.Instance), scope.ServiceProvider.GetRequiredService<ClpMailGateway.Telemetry.OutboundMetrics>(), NullLogger<OutboxSender>.Instance);
            sent += await sender.SendDueAsync(cancellationToken);
        }

        var elapsed = clock.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        await using (var scope = database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            var statuses = await db.OutboundMails.GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            if (statuses.Where(s => s.Key == OutboundStatus.Sent).Sum(s => s.Count) != count)
            {
                throw new InvalidOperationException("fanout: not every notification was sent: " + string.Join(", ", statuses.Select(s => $"{s.Key} {s.Count}")));
            }

            var now = DateTime.UtcNow;
            await db.OutboundMails.ExecuteUpdateAsync(
                s => s.SetProperty(m => m.Status, OutboundStatus.Pending).SetProperty(m => m.Attempts, 0).SetProperty(m => m.SentAtUtc, (DateTime?)null)
                    .SetProperty(m => m.NextAttemptAtUtc, now),
                cancellationToken);
        }

        return (elapsed, cpu);
    }

    private static string Join(IEnumerable<double> rates) => string.Join(", ", rates.Select(x => x.ToString("0", CultureInfo.InvariantCulture)));

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
