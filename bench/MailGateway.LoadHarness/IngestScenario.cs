using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.LoadHarness;

/// <summary>
/// Issue 7, ingest and memory: 5,000 replies (x scale) in a realistic mix are appended to a dedicated gateway mailbox;
/// plain MailKit fetches them all in full (the baseline), then one <c>MailGateway.dll poll</c> process stores, threads
/// and moves them all. Every mail must end as expected (Posted, Ignored or Rejected), nothing posted twice, the INBOX
/// empty. The notifications of the posts are rendered and stored (by the fan-out beside the poll, drained before the
/// process ends; checked) but not sent: the poll
/// process is pointed at a closed SMTP port, so its outbox run gives up at once (sending is the fan-out scenario's).
/// </summary>
internal sealed class IngestScenario : IScenario
{
    public const string MailboxAddress = "bench-ingest@clp.test";

    public string Name => "ingest";

    public int Order => 10;

    public async Task RunAsync(HarnessContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(5000);
        await using var database = await context.CreateDatabaseAsync("ingest");
        var world = await IngestWorld.SeedAsync(database, titles: 3, usersPerVendor: 4, cancellationToken);
        var mails = Generate(world, count, new Random(7));
        var mailbox = new BenchMailbox(MailboxAddress);
        await mailbox.CleanAsync(cancellationToken);
        await mailbox.AppendAsync([.. mails.Select(m => m.Raw)], cancellationToken);
        var totalBytes = mails.Sum(m => (long)m.Raw.Length);
        Console.WriteLine(
            $"appended {count} mails ({Report.Mb(totalBytes)}): {string.Join(", ", mails.GroupBy(m => m.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"))}");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (fetched, _) = await mailbox.FetchAllAsync(cancellationToken);
        var baselineSeconds = clock.Elapsed.TotalSeconds;
        if (fetched != count)
        {
            throw new InvalidOperationException($"the baseline fetched {fetched} mails, expected {count}");
        }

        var understood = await UnderstandOnlyAsync(mailbox, count, baselineSeconds, cancellationToken);
        var settings = GatewaySettings(database, MailboxAddress);
        if (Environment.GetEnvironmentVariable("CLP_BENCH_PREPARE_ONLY") == "1")
        {
            foreach (var (key, value) in settings)
            {
                Console.WriteLine($"export {key.Replace(":", "__", StringComparison.Ordinal)}='{value}'");
            }

            return;
        }

        var run = (await context.RunGatewayAsync(settings, ["poll"], cancellationToken)).EnsureSuccess("ingest poll");
        Console.WriteLine(run.Stdout.Trim());
        await VerifyAsync(database, mailbox, mails, cancellationToken);

        var gatewayRate = count / run.Elapsed.TotalSeconds;
        var baselineRate = count / baselineSeconds;
        var ratio = gatewayRate / baselineRate;
        context.Report.Add(new ReportRow(
            Name,
            $"{count:#,0} replies stored, threaded (posts + queued notifications) and moved, one `poll` process (wall, incl. start)",
            Report.Rate(gatewayRate, "msgs") + $" ({run.Elapsed.TotalSeconds:0.0} s)",
            "plain MailKit full fetch (BODY.PEEK[] in batches of 500, MimeKit parse): " + Report.Rate(baselineRate, "msgs") + $" ({baselineSeconds:0.0} s)",
            Report.Ratio(ratio),
            ">= 0.25x",
            ratio >= 0.25));
        context.Report.Add(understood);
        var warm = await WarmAsync(context, database, world, mailbox, mails, count, baselineRate, cancellationToken);
        context.Report.Add(warm);
        context.Report.Add(new ReportRow(
            Name,
            "peak working set of the gateway process while ingesting",
            Report.Mb(run.PeakWorkingSetBytes),
            $"mailbox size {Report.Mb(totalBytes)}",
            "—",
            "<= 300 MB",
            run.PeakWorkingSetBytes <= 300L * 1024 * 1024));
    }

    /// <summary>
    /// A reference for what the target leaves: the same mailbox fetched as for the baseline, and each mail only
    /// understood as the gateway's parse ahead does (<see cref="Threading.ReplyThreader.TryParse"/>: MIME parse, token,
    /// classification, trimming, files decoded) on both cores while the next batch is fetched; nothing stored, posted
    /// or queued. Whatever the gateway does beyond this (durable store, threading, posts and their search index, the
    /// notifications) has to fit in what is left of the target's time.
    /// </summary>
    private static async Task<ReportRow> UnderstandOnlyAsync(BenchMailbox mailbox, int count, double baselineSeconds, CancellationToken cancellationToken)
    {
        var options = new Mail.MailOptions { Domain = HarnessContext.Domain, ReplyLocalPart = BenchMails.ReplyLocalPart };
        // Twice: the first pass compiles the analysis (this process is not ReadyToRun); the second is the figure.
        var seconds = new double[2];
        var cpu = new double[2];
        var replies = 0;
        for (var pass = 0; pass < seconds.Length; pass++)
        {
            replies = 0;
            var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var fetched = await mailbox.FetchAndUnderstandAsync(
                raw =>
                {
                    if (Threading.ReplyThreader.TryParse(raw, options) is { Analysis.Kind: Parsing.ReplyKind.Reply })
                    {
                        Interlocked.Increment(ref replies);
                    }
                },
                cancellationToken);
            seconds[pass] = clock.Elapsed.TotalSeconds;
            cpu[pass] = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            if (fetched != count)
            {
                throw new InvalidOperationException($"the understanding reference fetched {fetched} mails, expected {count}");
            }
        }

        var rate = count / seconds[1];
        var baselineRate = count / baselineSeconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"[ingest] fetch + understand only: {count} mails ({replies} replies) in {seconds[1]:0.00} s, {cpu[1]:0.00} s of CPU in this process (first pass {seconds[0]:0.00} s, {cpu[0]:0.00} s); the plain full fetch {baselineSeconds:0.00} s"));
        return AgainstFetch(
            $"reference, not the gateway: the same {count:#,0} mails fetched as for the baseline and only understood (MIME parse, token, classification, trimming, files decoded: `ReplyThreader.TryParse`) on both cores while the next batch is fetched; nothing stored, posted or queued; second of two passes",
            rate,
            string.Create(CultureInfo.InvariantCulture, $"{seconds[1]:0.00} s, {cpu[1]:0.00} s of CPU; first pass {seconds[0]:0.00} s"),
            baselineRate,
            hasTarget: false);
    }

    /// <summary>A row of the ingest rate against the plain full fetch of the same run; with the target (0.25x) or without
    /// (a reference).</summary>
    private static ReportRow AgainstFetch(string figure, double rate, string detail, double baselineRate, bool hasTarget) => new(
        "ingest",
        figure,
        Report.Rate(rate, "msgs") + $" ({detail})",
        "the plain full fetch above: " + Report.Rate(baselineRate, "msgs"),
        Report.Ratio(rate / baselineRate),
        hasTarget ? ">= 0.25x" : "—",
        hasTarget ? rate / baselineRate >= 0.25 : null);

    /// <summary>
    /// The steady state: the same mix again (other Message-IDs) arriving at once, by one UID MOVE from a staging folder
    /// into INBOX, at a long-lived gateway (<c>MailGateway.dll run</c>, IMAP IDLE) that has already threaded a warm-up
    /// of count/25 mails, so that neither process start nor first-use compilation is in the figure. Timed from the MOVE
    /// until every mail is stored, threaded, moved and its post's notifications queued (the database polled every
    /// 50 ms); then the gateway is stopped with SIGTERM and every mail of the three sets is checked as for the cold run.
    /// </summary>
    private static async Task<ReportRow> WarmAsync(
        HarnessContext context, HarnessDatabase database, IngestWorld world, BenchMailbox mailbox, List<BenchMails.BenchMail> cold,
        int count, double baselineRate, CancellationToken cancellationToken)
    {
        var warmUp = Generate(world, Math.Max(20, count / 25), new Random(11));
        var burst = Generate(world, count, new Random(13));
        await mailbox.AppendAsync([.. warmUp.Select(m => m.Raw)], BenchMailbox.StagingFolder, cancellationToken);
        await mailbox.AppendAsync([.. burst.Select(m => m.Raw)], BenchMailbox.StagingFolder, cancellationToken);
        var settings = GatewaySettings(database, MailboxAddress);
        settings["Imap:UseIdle"] = "true";
        settings["Imap:PollInterval"] = "00:00:30";
        settings["Smtp:OutboxInterval"] = "01:00:00"; // nothing can be sent here (closed port); the fan-out runs beside the poll
        TimeSpan? elapsed = null;
        Exception? failure = null;
        var run = await context.RunGatewayAsync(settings, ["run"], cancellationToken, async process =>
        {
            try
            {
                await mailbox.MoveToInboxAsync(BenchMailbox.StagingFolder, warmUp.Count, cancellationToken);
                await WaitForAllAsync(database, process, cold.Count + warmUp.Count, TimeSpan.FromMinutes(3), cancellationToken);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await mailbox.MoveToInboxAsync(BenchMailbox.StagingFolder, burst.Count, cancellationToken);
                await WaitForAllAsync(database, process, cold.Count + warmUp.Count + burst.Count, TimeSpan.FromMinutes(10), cancellationToken);
                elapsed = clock.Elapsed;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failure = ex;
            }
            finally
            {
                LatencyScenario.Stop(process);
            }
        });
        if (failure is not null || elapsed is null)
        {
            throw new InvalidOperationException($"ingest (warm): {failure?.Message}\n{run.Stderr}", failure);
        }

        await VerifyAsync(database, mailbox, [.. cold, .. warmUp, .. burst], cancellationToken);
        var rate = burst.Count / elapsed.Value.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[ingest] warm: {burst.Count} mails in {elapsed.Value.TotalSeconds:0.0} s"));
        return AgainstFetch(
            $"the same mix again ({burst.Count:#,0} other replies) moved into INBOX at once, a running `run` gateway (IDLE) warmed by {warmUp.Count} mails first: MOVE until all stored, threaded, moved and notifications queued",
            rate,
            string.Create(CultureInfo.InvariantCulture, $"{elapsed.Value.TotalSeconds:0.0} s"),
            baselineRate,
            hasTarget: true);
    }

    /// <summary>Waits until <paramref name="total"/> inbound mails are threaded and moved and no post waits for its
    /// notifications.</summary>
    private static async Task WaitForAllAsync(
        HarnessDatabase database, System.Diagnostics.Process process, int total, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + limit;
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database.Path};Mode=ReadOnly");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM InboundMails WHERE MovedAtUtc IS NOT NULL), (SELECT count(*) FROM PendingFanouts)";
        while (true)
        {
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                if (reader.GetInt64(0) >= total && reader.GetInt64(1) == 0)
                {
                    return;
                }

                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException(
                        $"{reader.GetInt64(0)} of {total} mails moved, {reader.GetInt64(1)} posts waiting for their notifications, the gateway {(process.HasExited ? "exited" : "still running")}");
                }
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The gateway's settings for polling one bench mailbox; SMTP points at a closed port (see the class).</summary>
    public static Dictionary<string, string?> GatewaySettings(HarnessDatabase database, string mailboxAddress)
    {
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Imap:Username"] = mailboxAddress,
            ["Mail:ReplyLocalPart"] = BenchMails.ReplyLocalPart,
            ["Smtp:Port"] = ClosedPort().ToString(CultureInfo.InvariantCulture),
        };
        return settings;
    }

    /// <summary>Checks every mail's verdict, that no mail was posted twice, and that the INBOX is empty.</summary>
    public static async Task VerifyAsync(HarnessDatabase database, BenchMailbox mailbox, IReadOnlyList<BenchMails.BenchMail> mails, CancellationToken cancellationToken)
    {
        await using var scope = database.Scope();
        var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Storage.GatewayDbContext>(scope.ServiceProvider);
        var rows = await db.InboundMails.AsNoTracking().Select(m => new { m.MessageId, m.Status, m.Reason, m.MovedAtUtc }).ToListAsync(cancellationToken);
        var byId = rows.GroupBy(r => r.MessageId).ToDictionary(g => g.Key, g => g.ToList());
        var problems = new List<string>();
        foreach (var mail in mails)
        {
            if (!byId.TryGetValue(mail.MessageId, out var found) || found.Count != 1)
            {
                problems.Add($"{mail.Kind} {mail.MessageId}: {found?.Count ?? 0} inbound rows");
            }
            else if (found[0].Status != mail.Expected || found[0].MovedAtUtc is null)
            {
                problems.Add($"{mail.Kind} {mail.MessageId}: {found[0].Status} ({found[0].Reason}), moved {found[0].MovedAtUtc is not null}; expected {mail.Expected}");
            }
        }

        var unqueued = await db.PendingFanouts.CountAsync(cancellationToken);
        if (unqueued != 0)
        {
            problems.Add($"{unqueued} posts without their notifications queued when the poll ended");
        }

        var posted = await db.Messages.AsNoTracking().Where(m => m.Origin == MessageOrigin.Email).Select(m => m.SourceMessageId).ToListAsync(cancellationToken);
        var expectedPosted = mails.Count(m => m.Expected == InboundStatus.Posted);
        if (posted.Count != expectedPosted || posted.Distinct().Count() != posted.Count)
        {
            problems.Add($"{posted.Count} messages posted by mail ({posted.Distinct().Count()} distinct), expected {expectedPosted}");
        }

        var left = await mailbox.CountAsync("INBOX", cancellationToken);
        if (left != 0)
        {
            problems.Add($"{left} mails left in INBOX");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"{problems.Count} problems after ingest:\n  " + string.Join("\n  ", problems.Take(20)));
        }

        var notifications = await db.OutboundMails.CountAsync(m => m.Purpose == OutboundPurposes.Notification, cancellationToken);
        Console.WriteLine($"verified: {expectedPosted} posted once each, {mails.Count(m => m.Expected == InboundStatus.Ignored)} ignored, {mails.Count(m => m.Expected == InboundStatus.Rejected)} rejected; {notifications} notifications queued");
    }

    private static List<BenchMails.BenchMail> Generate(IngestWorld world, int count, Random random)
    {
        var mails = new List<BenchMails.BenchMail>(count);
        var japanese = world.Vendors.Where(v => v.Language == "ja").ToList();
        var german = world.Vendors.Where(v => v.Language == "de").ToList();
        for (var i = 0; i < count; i++)
        {
            var vendor = world.Vendors[random.Next(world.Vendors.Count)];
            var token = vendor.Tokens[random.Next(vendor.Tokens.Count)];
            var roll = random.NextDouble();
            BenchMails.BenchMail mail;
            if (roll < 0.03)
            {
                var forged = TokenCodecPrefix + Base32.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
                mail = Of("bad-token", InboundStatus.Rejected, BenchMails.Gmail(vendor.Address, BenchMails.ReplyAddress(forged), "Reply to a damaged address " + i));
            }
            else if (roll < 0.06)
            {
                mail = Of("auto-reply", InboundStatus.Ignored, BenchMails.AutoReply(vendor.Address, BenchMails.ReplyAddress(token)));
            }
            else if (roll < 0.08)
            {
                var id = $"bounce-{i}-{Guid.NewGuid():N}@mx.vendor.example";
                mail = new("bounce", id, InboundStatus.Ignored, BenchMails.Bounce(MailboxAddress, vendor.Address, BenchMails.ReplyAddress(token), id));
            }
            else if (roll < 0.12)
            {
                // 50 KB to 2 MB, log-uniform: most attachments are small, a few are large.
                var size = (int)Math.Round(50_000 * Math.Pow(40, random.NextDouble()));
                var content = new byte[size];
                random.NextBytes(content);
                mail = Of("attachment", InboundStatus.Posted, BenchMails.Gmail(vendor.Address, BenchMails.ReplyAddress(token), $"Corrected file attached ({i}).", ($"ep{i % 12 + 1}.{vendor.Language}.srt", content)));
            }
            else if (roll < 0.22)
            {
                var ja = japanese[random.Next(japanese.Count)];
                mail = Of("japanese", InboundStatus.Posted, BenchMails.Japanese(ja.Address, BenchMails.ReplyAddress(ja.Tokens[random.Next(ja.Tokens.Count)])));
            }
            else if (roll < 0.40)
            {
                var de = german[random.Next(german.Count)];
                mail = Of("outlook-html", InboundStatus.Posted, BenchMails.OutlookHtml(de.Address, BenchMails.ReplyAddress(de.Tokens[random.Next(de.Tokens.Count)]), random.Next(2, 11)));
            }
            else if (roll < 0.48)
            {
                var staff = world.Staff[random.Next(world.Staff.Count)];
                mail = Of("staff", InboundStatus.Posted, BenchMails.Gmail(staff.Address, BenchMails.ReplyAddress(staff.Tokens[0]), $"Approved, please go ahead with reel {i % 6 + 1}."));
            }
            else
            {
                mail = Of("gmail", InboundStatus.Posted, BenchMails.Gmail(vendor.Address, BenchMails.ReplyAddress(token), $"Le timing de la bobine {i % 6 + 1} est corrigé, merci ! ({i})"));
            }

            mails.Add(mail);
        }

        return mails;
    }

    private const string TokenCodecPrefix = HarnessContext.TokenKeyId + "_";

    private static BenchMails.BenchMail Of(string kind, InboundStatus expected, MimeKit.MimeMessage message) =>
        new(kind, message.MessageId!, expected, BenchMails.Render(message));

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
