using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Outbound;
using ClpMailGateway.Retention;
using ClpMailGateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.LoadHarness;

/// <summary>
/// Issue 29, what retention saves: 1,000 replies as clients write them (Gmail plain, Outlook HTML with the thread below,
/// ISO-2022-JP, one in ten with a 60 KB file) are stored and threaded by the gateway's pipeline in this process, their
/// notifications fanned out and sent through the real Postfix by the real outbox sender; then the retention job runs as
/// if every age had passed (<c>Retention:InboundRawAfter</c> 0: the raw mails go; sent notifications are cut to their
/// headers at once by default). The SQLite database is measured before (the baseline) and after, each time checkpointed
/// and VACUUMed, as the file's size, per 1,000 replies.
/// </summary>
internal sealed class RetentionScenario : IScenario
{
    private const int FileBytes = 60_000;

    public string Name => "retention";

    public int Order => 50;

    public async Task RunAsync(HarnessContext context, CancellationToken cancellationToken)
    {
        var replies = context.Scaled(1000);
        await using var database = await context.CreateDatabaseAsync("retention", new Dictionary<string, string?>
        {
            ["Retention:InboundRawAfter"] = "00:00:00",
            // The Outlook and Japanese replies repeat their text; here each is a reply of its own, not a held duplicate.
            ["Inbound:DuplicateWindow"] = "00:00:00",
        });
        var world = await IngestWorld.SeedAsync(database, titles: 1, usersPerVendor: 4, cancellationToken);
        var repliers = world.Vendors.Concat(world.Staff).ToList();

        var mails = Enumerable.Range(0, replies).Select(i => Render(i, repliers[i % repliers.Count])).ToList();
        for (var i = 0; i < mails.Count; i += InboundProcessor.GroupSize)
        {
            var batch = mails.Skip(i).Take(InboundProcessor.GroupSize).Select((raw, j) => ((long)(i + j + 1), raw)).ToList();
            await using var scope = database.Scope();
            var stored = await scope.ServiceProvider.GetRequiredService<InboundStore>().StoreBatchAsync("bench-retention@clp.test/INBOX", 1, batch, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored.Select(s => s.Mail).ToList(), cancellationToken);
        }

        var posted = await IngestWorld.CountAsync<InboundMail>(database, q => Task.FromResult(q.Count(m => m.Status == InboundStatus.Posted)));
        if (posted != replies)
        {
            throw new InvalidOperationException($"retention: {posted} of {replies} replies posted");
        }

        var sent = await SendNotificationsAsync(database, cancellationToken);
        var before = await MeasureAsync(database, cancellationToken);
        RetentionResult removed;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var scope = database.Scope())
        {
            removed = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(cancellationToken);
        }

        clock.Stop();

        var after = await MeasureAsync(database, cancellationToken);
        var perThousand = 1000.0 / replies;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{replies:#,0} replies ({mails.Sum(m => (long)m.Length) / 1024.0 / 1024.0:0.0} MB of mail), {sent:#,0} notifications sent; retention removed {removed.InboundRaw:#,0} raw mails and {removed.OutboundBodies:#,0} bodies in {clock.Elapsed.TotalSeconds:0.00} s; "
            + $"live pages {Report.Mb(before.Live)} -> {Report.Mb(after.Live)}"));
        context.Report.Add(new ReportRow(
            Name,
            string.Create(CultureInfo.InvariantCulture,
                $"SQLite database per 1,000 replies after the retention job (file size after VACUUM; {replies:#,0} replies as clients write them, one in ten with a 60 KB file, {sent:#,0} notifications sent through Postfix; every age passed)"),
            Report.Mb((long)(after.File * perThousand)),
            "the same database before the job: " + Report.Mb((long)(before.File * perThousand)),
            Report.Ratio(after.File / (double)before.File),
            "— (measured)",
            null));
    }

    /// <summary>The notifications of every post queued by the gateway's fan-out and sent by its outbox sender through the
    /// real Postfix (scripts/mail-servers), until none is due.</summary>
    private static async Task<int> SendNotificationsAsync(HarnessDatabase database, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = database.Scope();
            if (await scope.ServiceProvider.GetRequiredService<NotificationFanout>().RunAsync(cancellationToken) == 0)
            {
                break;
            }
        }

        var sent = 0;
        for (var round = 0; round < 100; round++)
        {
            await using var scope = database.Scope();
            var now = await scope.ServiceProvider.GetRequiredService<OutboxSender>().SendDueAsync(cancellationToken);
            sent += now;
            if (now == 0)
            {
                break;
            }
        }

        var left = await IngestWorld.CountAsync<OutboundMail>(database, q => Task.FromResult(q.Count(m => m.Status != OutboundStatus.Sent)));
        if (sent == 0 || left != 0)
        {
            throw new InvalidOperationException($"retention: {sent} notifications sent, {left} not sent");
        }

        return sent;
    }

    /// <summary>The file after a checkpoint and a VACUUM, and the pages in use ((page_count − freelist_count) × page_size).</summary>
    private static async Task<(long File, long Live)> MeasureAsync(HarnessDatabase database, CancellationToken cancellationToken)
    {
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={database.Path}");
        await connection.OpenAsync(cancellationToken);
        long Scalar(string sql)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        Scalar("PRAGMA wal_checkpoint(TRUNCATE)");
        var live = (Scalar("PRAGMA page_count") - Scalar("PRAGMA freelist_count")) * Scalar("PRAGMA page_size");
        Scalar("VACUUM; SELECT 0");
        Scalar("PRAGMA wal_checkpoint(TRUNCATE)");
        return (new FileInfo(database.Path).Length, live);
    }

    private static byte[] Render(int i, IngestWorld.Replier replier)
    {
        var to = BenchMails.ReplyAddress(replier.Tokens[0]);
        var mail = (i % 10) switch
        {
            0 => BenchMails.Gmail(replier.Address, to, $"Reply {i}: the revised subtitles are attached.", ($"episode-{i}.fr.pdf", File(i))),
            1 or 2 or 3 => BenchMails.OutlookHtml(replier.Address, to, earlier: 3),
            4 => BenchMails.Japanese(replier.Address, to),
            _ => BenchMails.Gmail(replier.Address, to, $"Reply {i}: checked reel {i % 7}, two fixes in the timeline."),
        };
        return BenchMails.Render(mail);
    }

    private static byte[] File(int seed)
    {
        var bytes = new byte[FileBytes];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
