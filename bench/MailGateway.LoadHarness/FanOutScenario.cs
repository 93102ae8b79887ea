using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Localization;
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
/// <para>Readers' languages (issue 27): the same world twice, in two databases: every reader with English chosen in
/// settings (one language: the figures above), and no language chosen, so each vendor user reads their vendor's language,
/// spread evenly over ten shipped languages. Both are posted to and fanned out in alternation for CLP_BENCH_FANOUT_ROUNDS
/// rounds (default CLP_BENCH_ROUNDS) after a warm-up, and both outboxes are sent by the MailKit client in the same rounds;
/// the ten-language figures are given against the one-language ones (target 0.9x). CLP_BENCH_FANOUT_ONLY=1 stops after
/// the fan-out rounds.</para>
/// </summary>
internal sealed class FanOutScenario : IScenario
{
    private const int Recipients = 2000;
    private const int UsersPerVendor = 100;

    /// <summary>The vendors' languages in both worlds, one vendor in turn per language: what the readers of the
    /// ten-language world read.</summary>
    private static readonly string[] Languages = ["en", "fr", "de", "es", "ja", "ar", "zh-Hans", "ru", "pt-BR", "ko"];

    public string Name => "fanout";

    public int Order => 20;

    public async Task RunAsync(HarnessContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(Recipients);
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("CLP_BENCH_ROUNDS"), CultureInfo.InvariantCulture, out var r) && r > 0 ? r : 3;
        var fanOutRounds = int.TryParse(Environment.GetEnvironmentVariable("CLP_BENCH_FANOUT_ROUNDS"), CultureInfo.InvariantCulture, out var f) && f > 0 ? f : rounds;
        await using var oneDatabase = await context.CreateDatabaseAsync("fanout");
        await using var tenDatabase = await context.CreateDatabaseAsync("fanout-l10n");
        var one = new FanOutWorld("one language", oneDatabase, await SeedAsync(oneDatabase, count, MailLanguages.English, cancellationToken), 1);
        var ten = new FanOutWorld("10 languages", tenDatabase, await SeedAsync(tenDatabase, count, null, cancellationToken), Math.Min(Languages.Length, (count + UsersPerVendor - 1) / UsersPerVendor));
        FanOutWorld[] worlds = [one, ten];

        // Posting and fanning out, alternating between the worlds (order rotated each round); round 0 warms up, and its
        // notifications start each reader's thread, so the counted rounds all write answers to it, as most mails are.
        var post = worlds.ToDictionary(w => w, _ => new List<double>());
        var fanOut = worlds.ToDictionary(w => w, _ => new List<double>());
        for (var round = 0; round <= fanOutRounds; round++)
        {
            foreach (var world in worlds.Skip(round % worlds.Length).Concat(worlds.Take(round % worlds.Length)))
            {
                var (postTime, fanOutTime) = await PostAndFanOutAsync(world, round, cancellationToken);
                if (round > 0)
                {
                    post[world].Add(postTime.TotalMilliseconds);
                    fanOut[world].Add(fanOutTime.TotalMilliseconds);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[fanout] readers in {world.Name}, {(round == 0 ? "warm-up" : $"round {round}")}: post {postTime.TotalMilliseconds:0} ms, fan-out {fanOutTime.TotalMilliseconds:0} ms"));
            }
        }

        var rows = new Dictionary<FanOutWorld, List<OutboundMail>>();
        foreach (var world in worlds)
        {
            rows[world] = await OutboxAsync(world.Database, cancellationToken);
            if (rows[world].Count != count)
            {
                throw new InvalidOperationException($"fanout: {rows[world].Count} notifications queued for readers in {world.Name}, {count} expected");
            }

            // The mails are in as many languages as the world's readers read (the HTML part's lang attribute).
            var languages = rows[world].Select(m => HtmlLanguage(m.Raw)).Distinct(StringComparer.Ordinal).ToList();
            if (languages.Count != world.Languages)
            {
                throw new InvalidOperationException($"fanout: readers in {world.Name} got mails in {languages.Count} languages ({string.Join(", ", languages)})");
            }
        }

        ReportFanOut(context, count, one, ten, post, fanOut);
        if (Environment.GetEnvironmentVariable("CLP_BENCH_FANOUT_ONLY") == "1")
        {
            return;
        }

        // Baseline: the same rendered mails, parsed before the clock starts, over one plain connection.
        var messages = rows[one].Select(m => (Message: MimeMessage.Load(new MemoryStream(m.Raw, writable: false)), From: MailboxAddress.Parse(m.EnvelopeFrom), To: MailboxAddress.Parse(m.ToAddress))).ToList();
        var configured = oneDatabase.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        // CLP_BENCH_SMTP_CONNECTIONS=4,8 compares pool sizes in the same run (default: the configured Smtp:Connections).
        var poolSizes = (Environment.GetEnvironmentVariable("CLP_BENCH_SMTP_CONNECTIONS") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => int.Parse(x, CultureInfo.InvariantCulture)).DefaultIfEmpty(configured.Connections).ToList();
        var sizes = worlds.ToDictionary(w => w, w => rows[w].Average(x => x.Raw.Length));

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
                await MeasureAsync(context, worlds, configured, poolSizes, rounds, messages, count, sizes, held, cancellationToken);
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
    }

    /// <summary>One Broadcast posted in <paramref name="world"/> (its outbox emptied first, so it holds this post's
    /// notifications only), then its fan-out: recipients, rendered notifications, outbox rows.</summary>
    private static async Task<(TimeSpan Post, TimeSpan FanOut)> PostAndFanOutAsync(FanOutWorld world, int round, CancellationToken cancellationToken)
    {
        await using (var scope = world.Database.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().OutboundMails.ExecuteDeleteAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        await using (var scope = world.Database.Scope())
        {
            var posted = await scope.ServiceProvider.GetRequiredService<MessagePoster>().PostAsync(
                new PostRequest(world.Author.Id, world.Broadcast.Id, "The locked cut of episode 4 is ready: please re-time against it. The IMF package follows on Friday; "
                    + $"the template fix for forced narratives is in the style guide (note {round + 1}).", [], MessageOrigin.Web), cancellationToken);
            if (!posted.Succeeded)
            {
                throw new InvalidOperationException("fanout: the Broadcast post was refused: " + posted.Error?.Message);
            }
        }

        var postTime = clock.Elapsed;
        int fannedOut;
        await using (var scope = world.Database.Scope())
        {
            fannedOut = await scope.ServiceProvider.GetRequiredService<NotificationFanout>().RunAsync(cancellationToken);
        }

        var fanOutTime = clock.Elapsed - postTime;
        if (fannedOut != 1)
        {
            throw new InvalidOperationException($"fanout: the fan-out queued {fannedOut} messages, 1 expected");
        }

        return (postTime, fanOutTime);
    }

    private void ReportFanOut(
        HarnessContext context, int count, FanOutWorld one, FanOutWorld ten, Dictionary<FanOutWorld, List<double>> post, Dictionary<FanOutWorld, List<double>> fanOut)
    {
        var oneMs = Stats.Percentile(fanOut[one], 50);
        var tenMs = Stats.Percentile(fanOut[ten], 50);
        var ratios = fanOut[one].Zip(fanOut[ten], (o, t) => o / t).ToList();
        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"posting it (its transaction marks it pending), then its fan-out (render + outbox rows): recipients, {count:#,0} rendered notifications, outbox rows; readers in one language (en chosen in settings); median of {fanOut[one].Count} rounds"),
            $"post {Report.Ms(Stats.Percentile(post[one], 50))}, fan-out {Report.Ms(oneMs)} (rounds {JoinMs(fanOut[one])})",
            "—",
            "—",
            "—",
            null));
        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"the same fan-out (render + outbox rows), readers in {ten.Languages} languages ({string.Join(", ", Languages.Take(ten.Languages))}: each vendor's language, none chosen in settings), alternating with the one-language fan-out; median of {fanOut[ten].Count} rounds"),
            $"post {Report.Ms(Stats.Percentile(post[ten], 50))}, fan-out {Report.Ms(tenMs)} (rounds {JoinMs(fanOut[ten])})",
            $"readers in one language: fan-out {Report.Ms(oneMs)}",
            string.Create(CultureInfo.InvariantCulture, $"{Report.Ratio(oneMs / tenMs)} (per round {Report.Ratio(ratios.Min())}–{Report.Ratio(ratios.Max())})"),
            "≥ 0.9x",
            oneMs / tenMs >= 0.9));
    }

    /// <summary>The <c>lang</c> of a rendered notification's HTML part (written as 8-bit UTF-8, so found in the bytes).</summary>
    private static string HtmlLanguage(byte[] raw)
    {
        var text = System.Text.Encoding.UTF8.GetString(raw);
        const string Marker = "<html lang=\"";
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? "(none)" : text[(at + Marker.Length)..text.IndexOf('"', at + Marker.Length)];
    }

    private static string JoinMs(IEnumerable<double> values) => string.Join(", ", values.Select(x => x.ToString("0", CultureInfo.InvariantCulture)));

    /// <summary>The baseline and the gateway with each SMTP client alternate for several rounds (the order rotated each
    /// round, so drift in the shared machine's load favours none) after an uncounted warm-up round; medians are reported.
    /// The ten-language outbox is sent by the default client in the same rounds.</summary>
    private async Task MeasureAsync(
        HarnessContext context, FanOutWorld[] worlds, SmtpOptions configured, List<int> poolSizes, int rounds,
        List<(MimeMessage Message, MailboxAddress From, MailboxAddress To)> messages, int count, Dictionary<FanOutWorld, double> sizes, bool held, CancellationToken cancellationToken)
    {
        var mode = held ? "Postfix holding accepted mail" : "Postfix delivering to Dovecot meanwhile";
        var (one, ten) = (worlds[0], worlds[1]);
        // Client null: the baseline, plain MailKit with DATA over one connection; then the gateway with each client and
        // pool size; then the ten-language outbox with the default client and pool.
        var baseline = new SendVariant(one, null, 1);
        var variants = new List<SendVariant> { baseline };
        foreach (var client in new[] { SmtpClientKind.MailKit, SmtpClientKind.Native })
        {
            variants.AddRange(poolSizes.Select(p => new SendVariant(one, client, p)));
        }

        var spread = new SendVariant(ten, SmtpClientKind.MailKit, configured.Connections);
        var reference = new SendVariant(one, SmtpClientKind.MailKit, configured.Connections);
        variants.Add(spread);
        if (!variants.Contains(reference))
        {
            variants.Add(reference);
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
                    ? await GatewayRoundAsync(variant.World.Database, configured, client, variant.Connections, count, cancellationToken)
                    : await PlainRoundAsync(messages, cancellationToken);
                if (round > 0)
                {
                    rates[variant].Add(count / elapsed.TotalSeconds);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[fanout] {mode}, {(round == 0 ? "warm-up" : $"round {round}")}: {(variant.Client is { } c ? $"gateway outbox sender, {c} client, {variant.Connections} connections, readers in {variant.World.Name}" : "plain MailKit, one connection")} {count / elapsed.TotalSeconds:0} mails/s ({elapsed.TotalSeconds:0.00} s), CPU of this process {cpu.TotalMilliseconds * 1000 / count:0} µs/mail"));
            }
        }

        await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);
        var baselineRates = rates[baseline];
        var baselineRate = Stats.Percentile(baselineRates, 50);
        foreach (var variant in variants.Where(v => v.Client is not null && v.World == one))
        {
            var client = variant.Client!.Value;
            var gatewayRates = rates[variant];
            var gatewayRate = Stats.Percentile(gatewayRates, 50);
            var ratios = gatewayRates.Zip(baselineRates, (g, b) => g / b).ToList();
            var target = client == SmtpClientKind.MailKit ? 1.2 : 1.8;
            context.Report.Add(new ReportRow(
                Name,
                string.Create(CultureInfo.InvariantCulture, $"one Broadcast to {count:#,0} vendor users, outbox until Postfix accepted all, {mode} (in-process OutboxSender, Smtp:Client {client}{(client == SmtpClientKind.MailKit ? " (default)" : string.Empty)}, {variant.Connections} pooled connections{(variant.Connections == configured.Connections ? " (Smtp:Connections default)" : string.Empty)}; readers in one language; mails ~{sizes[one] / 1024:0.0} KB; median of {rounds} rounds)"),
                string.Create(CultureInfo.InvariantCulture, $"{Report.Rate(gatewayRate, "mails")} (rounds {Join(gatewayRates)})"),
                string.Create(CultureInfo.InvariantCulture, $"plain MailKit, same mails, one connection: {Report.Rate(baselineRate, "mails")} (rounds {Join(baselineRates)})"),
                string.Create(CultureInfo.InvariantCulture, $"{Report.Ratio(gatewayRate / baselineRate)} (per round {Report.Ratio(ratios.Min())}–{Report.Ratio(ratios.Max())})"),
                held ? string.Create(CultureInfo.InvariantCulture, $"≥ {target:0.0}x") : "— (shown for comparison)",
                held ? gatewayRate / baselineRate >= target : null));
        }

        var spreadRate = Stats.Percentile(rates[spread], 50);
        var referenceRate = Stats.Percentile(rates[reference], 50);
        var spreadRatios = rates[spread].Zip(rates[reference], (t, o) => t / o).ToList();
        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"the same, readers in {ten.Languages} languages (the ten-language fan-out's outbox), {mode} (Smtp:Client MailKit, {spread.Connections} pooled connections; mails ~{sizes[ten] / 1024:0.0} KB; median of {rounds} rounds)"),
            string.Create(CultureInfo.InvariantCulture, $"{Report.Rate(spreadRate, "mails")} (rounds {Join(rates[spread])})"),
            string.Create(CultureInfo.InvariantCulture, $"readers in one language, same client and rounds: {Report.Rate(referenceRate, "mails")} (rounds {Join(rates[reference])})"),
            string.Create(CultureInfo.InvariantCulture, $"{Report.Ratio(spreadRate / referenceRate)} (per round {Report.Ratio(spreadRatios.Min())}–{Report.Ratio(spreadRatios.Max())})"),
            held ? "≥ 0.9x" : "— (shown for comparison)",
            held ? spreadRate / referenceRate >= 0.9 : null));
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

    /// <summary>One title in <see cref="Languages"/>, a staff author, and vendors of <see cref="UsersPerVendor"/> users
    /// each, one language per vendor in turn; <paramref name="readerLanguage"/> is every user's language in settings.</summary>
    private static async Task<(User Author, Channel Broadcast)> SeedAsync(HarnessDatabase database, int count, string? readerLanguage, CancellationToken cancellationToken)
    {
        var title = await BenchWorld.TitleAsync(database, "bench-fanout", Languages, cancellationToken);
        var people = new List<(string, UserRole, Vendor?, string[])> { ("bench-fan-pm", UserRole.Pm, null, []) };
        for (var v = 0; v * UsersPerVendor < count; v++)
        {
            var language = Languages[v % Languages.Length];
            var vendor = await BenchWorld.VendorAsync(database, title, $"Bench vendor {v}", [language], cancellationToken);
            for (var i = v * UsersPerVendor; i < Math.Min(count, (v + 1) * UsersPerVendor); i++)
            {
                people.Add(($"bench-fan-{i}", UserRole.Vendor, vendor, [language]));
            }
        }

        var users = await BenchWorld.UsersAsync(database, title, people, cancellationToken, readerLanguage);
        return (users[0], BenchWorld.Channel(title, "broadcast"));
    }

    private static async Task<List<OutboundMail>> OutboxAsync(HarnessDatabase database, CancellationToken cancellationToken)
    {
        await using var scope = database.Scope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().OutboundMails.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
    }

    /// <summary>One of the two worlds: its database, author, Broadcast channel, and how many languages its readers read.</summary>
    private sealed record FanOutWorld(string Name, HarnessDatabase Database, (User Author, Channel Broadcast) Seeded, int Languages)
    {
        public User Author => Seeded.Author;

        public Channel Broadcast => Seeded.Broadcast;
    }

    /// <summary>What one timed send is: whose outbox, which client (null: the plain MailKit baseline), how many connections.</summary>
    private readonly record struct SendVariant(FanOutWorld World, SmtpClientKind? Client, int Connections);
}
