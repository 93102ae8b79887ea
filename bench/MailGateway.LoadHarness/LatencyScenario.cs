using System.Diagnostics;
using System.Globalization;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.LoadHarness;

/// <summary>
/// Reply latency (issue 7): 200 replies (x scale) sent one by one through Postfix to a real reply+TOKEN address of a
/// dedicated gateway mailbox (<c>bench-latency@clp.test</c>), the gateway running as a child process
/// (<c>MailGateway.dll run</c>) on the bench database; each latency runs from SMTP acceptance (the server's reply to
/// the end of DATA) to the message being visible in the database (a cheap poll on the Messages primary key every few
/// milliseconds). Twice: with IMAP IDLE, and with polling only (<see cref="PollInterval"/>). Baseline in the same run:
/// the raw delivery time, from SMTP acceptance until a plain MailKit IDLE client on another mailbox sees the mail, so
/// the gateway's own share is clear.
/// </summary>
internal sealed class LatencyScenario : IScenario
{
    private const int Replies = 200;
    private const int WarmUp = 3;
    private const string GatewayLocalPart = "bench-latency";
    private const string RawMailbox = "bench-latency-raw@" + HarnessContext.Domain;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan VisibleWithin = TimeSpan.FromSeconds(60);

    public string Name => "latency";

    public int Order => 30;

    public async Task RunAsync(HarnessContext context, CancellationToken cancellationToken)
    {
        var count = context.Scaled(Replies);
        await using var database = await context.CreateDatabaseAsync("latency", new Dictionary<string, string?>
        {
            ["Mail:ReplyLocalPart"] = GatewayLocalPart,
            ["Imap:Username"] = $"{GatewayLocalPart}@{HarnessContext.Domain}",
        });
        var title = await BenchWorld.TitleAsync(database, "bench-latency", ["fr"], cancellationToken);
        var vendor = await BenchWorld.VendorAsync(database, title, "Bench latency vendor", ["fr"], cancellationToken);
        var users = await BenchWorld.UsersAsync(database, title,
            [("bench-lat-vendor", UserRole.Vendor, vendor, ["fr"]), ("bench-lat-pm", UserRole.Pm, null, [])], cancellationToken);
        string address;
        await using (var scope = database.Scope())
        {
            var token = await scope.ServiceProvider.GetRequiredService<ReplyTokenService>().IssueAsync(users[0].Id, BenchWorld.Channel(title, "vendor-fr").Id, cancellationToken);
            address = $"{GatewayLocalPart}+{token}@{HarnessContext.Domain}";
        }

        var from = new MailboxAddress("Bench Vendor", users[0].Emails[0].Address);
        await MailServers.EmptyMailboxAsync($"{GatewayLocalPart}@{HarnessContext.Domain}", ["Processed", "Rejected"], cancellationToken);
        await MailServers.EmptyMailboxAsync(RawMailbox, [], cancellationToken);
        await MailServers.WaitForEmptyQueueAsync(TimeSpan.FromMinutes(3), cancellationToken);

        var raw = await RawDeliveryAsync(from, count, cancellationToken);
        var idle = await GatewayLatencyAsync(context, database, from, address, count, useIdle: true, "idle", cancellationToken);
        var polling = await GatewayLatencyAsync(context, database, from, address, count, useIdle: false, "poll", cancellationToken);

        var baseline = "raw delivery to a plain MailKit IDLE client: " + Percentiles(raw);
        context.Report.Add(new ReportRow(Name, $"{count} replies one by one, SMTP acceptance to visible in the database, IMAP IDLE on (gateway `run` child process)",
            Percentiles(idle.Latencies), baseline, P95Ratio(idle.Latencies, raw), "p95 ≤ 2,000 ms", Stats.Percentile(idle.Latencies, 95) <= 2000));
        context.Report.Add(new ReportRow(Name, $"the same, polling only (Imap:UseIdle=false, Imap:PollInterval {PollInterval.TotalSeconds:0} s)",
            Percentiles(polling.Latencies), baseline, P95Ratio(polling.Latencies, raw), "—", null));
        context.Report.Add(new ReportRow(Name, "peak working set of the gateway process (IDLE run; polling run)",
            $"{Report.Mb(idle.PeakWorkingSetBytes)}; {Report.Mb(polling.PeakWorkingSetBytes)}", "—", "—", "—", null));
    }

    private static string Percentiles(IReadOnlyCollection<double> values) =>
        $"p50 {Report.Ms(Stats.Percentile(values, 50))}, p95 {Report.Ms(Stats.Percentile(values, 95))}, max {Report.Ms(values.Max())}";

    private static string P95Ratio(IReadOnlyCollection<double> gateway, IReadOnlyCollection<double> raw) =>
        "p95 " + Report.Ratio(Stats.Percentile(gateway, 95) / Stats.Percentile(raw, 95));

    /// <summary>The baseline: each mail sent through Postfix to <see cref="RawMailbox"/> while a plain MailKit client
    /// holds IDLE on its INBOX; latency until the server's EXISTS for it arrives.</summary>
    private static async Task<List<double>> RawDeliveryAsync(MailboxAddress from, int count, CancellationToken cancellationToken)
    {
        using var imap = await MailServers.ConnectImapAsync(RawMailbox, cancellationToken);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
        var lastCount = imap.Inbox.Count;
        var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        imap.Inbox.CountChanged += (_, _) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (imap.Inbox.Count > lastCount)
            {
                lastCount = imap.Inbox.Count;
                seen.TrySetResult(now);
            }
        };
        using var done = new CancellationTokenSource();
        var idling = imap.IdleAsync(done.Token, cancellationToken);

        using var smtp = await ConnectSmtpAsync(cancellationToken);
        var latencies = new List<double>();
        for (var i = -WarmUp; i < count; i++)
        {
            await Task.Delay(Random.Shared.Next(100, 400), cancellationToken);
            seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var message = Reply(from, new MailboxAddress(null, RawMailbox), i);
            await smtp.SendAsync(message, cancellationToken);
            var accepted = Stopwatch.GetTimestamp();
            var arrived = await seen.Task.WaitAsync(VisibleWithin, cancellationToken);
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(accepted, Math.Max(arrived, accepted)).TotalMilliseconds);
            }
        }

        await done.CancelAsync();
        await idling;
        await smtp.DisconnectAsync(true, cancellationToken);
        await imap.DisconnectAsync(true, cancellationToken);
        return latencies;
    }

    private static async Task<GatewayLatency> GatewayLatencyAsync(
        HarnessContext context, HarnessDatabase database, MailboxAddress from, string address, int count, bool useIdle, string tag, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Imap:UseIdle"] = useIdle ? "true" : "false",
            ["Imap:PollInterval"] = useIdle ? "00:00:30" : PollInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        var latencies = new List<double>();
        Exception? failure = null;
        var run = await context.RunGatewayAsync(settings, ["run"], cancellationToken, async process =>
        {
            try
            {
                await using var visible = new MessagesWatch(database.Path);
                using var smtp = await ConnectSmtpAsync(cancellationToken);
                for (var i = -WarmUp; i < count; i++)
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException("the gateway exited early");
                    }

                    await Task.Delay(Random.Shared.Next(100, 400), cancellationToken);
                    using var message = Reply(from, MailboxAddress.Parse(address), i, tag);
                    await smtp.SendAsync(message, cancellationToken);
                    var accepted = Stopwatch.GetTimestamp();
                    // The first warm-up reply also waits for the gateway to start (migrations, IDLE connected).
                    var limit = i == -WarmUp ? VisibleWithin * 2 : VisibleWithin;
                    await visible.WaitForAsync(message.MessageId!, limit, cancellationToken);
                    if (i >= 0)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(accepted).TotalMilliseconds);
                    }
                }

                await smtp.DisconnectAsync(true, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failure = ex;
            }
            finally
            {
                Stop(process);
            }
        });
        if (failure is not null)
        {
            throw new InvalidOperationException($"latency ({tag}): {failure.Message}\n{run.Stderr}", failure);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[latency] {tag}: n={latencies.Count} p50 {Stats.Percentile(latencies, 50):0} ms p95 {Stats.Percentile(latencies, 95):0} ms max {latencies.Max():0} ms"));
        return new GatewayLatency(latencies, run.PeakWorkingSetBytes);
    }

    /// <summary>Asks the gateway to stop gracefully (SIGTERM), as an operator would.</summary>
    internal static void Stop(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) } });
        kill?.WaitForExit();
    }

    private static async Task<SmtpClient> ConnectSmtpAsync(CancellationToken cancellationToken)
    {
        var smtp = new SmtpClient();
        await smtp.ConnectAsync(HarnessContext.Host, HarnessContext.SmtpPort, SecureSocketOptions.None, cancellationToken);
        return smtp;
    }

    private static MimeMessage Reply(MailboxAddress from, MailboxAddress to, int index, string tag = "raw")
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(to);
        message.Subject = $"Re: [Bench latency] vendor-fr ({tag} {index})";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("latency.bench");
        message.Body = new TextPart("plain")
        {
            Text = $"Latency probe {tag} {index}: the new timeline works for us.\n\nOn Mon, 3 Feb 2025 at 10:12, Anna via CLP <notifications@clp.test> wrote:\n> Please check the new timeline.\n",
        };
        return message;
    }

    private sealed record GatewayLatency(List<double> Latencies, long PeakWorkingSetBytes);

    /// <summary>Watches the Messages table of the bench database for a SourceMessageId, reading only the rows added
    /// since the last look (by primary key), so polling every few milliseconds costs the gateway next to nothing.</summary>
    private sealed class MessagesWatch(string databasePath) : IAsyncDisposable
    {
        private readonly SqliteConnection _connection = new($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private long _lastId;

        public async Task WaitForAsync(string messageId, TimeSpan limit, CancellationToken cancellationToken)
        {
            if (_connection.State != System.Data.ConnectionState.Open)
            {
                await _connection.OpenAsync(cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            await using var command = _connection.CreateCommand();
            command.CommandText = "SELECT Id, SourceMessageId FROM Messages WHERE Id > $last ORDER BY Id";
            var last = command.Parameters.Add("$last", SqliteType.Integer);
            while (!_seen.Contains(messageId))
            {
                last.Value = _lastId;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        _lastId = reader.GetInt64(0);
                        if (!reader.IsDBNull(1))
                        {
                            _seen.Add(reader.GetString(1));
                        }
                    }
                }

                if (_seen.Contains(messageId))
                {
                    return;
                }

                if (clock.Elapsed > limit)
                {
                    throw new TimeoutException($"reply <{messageId}> not in the database after {limit.TotalSeconds:0} s (see `quarantine list` on .state/bench/latency.db)");
                }

                await Task.Delay(5, cancellationToken);
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
