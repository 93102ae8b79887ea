using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ClpMailGateway.Mail;
using ClpMailGateway.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Inbound;

/// <summary>
/// Parses and classifies mails on threads of its own, each parse within a time limit (<see cref="ImapOptions.ParseTimeout"/>)
/// and a memory limit (<see cref="ImapOptions.ParseMemoryMegabytes"/>), so that no mail, however it is built, holds up
/// the pipeline or takes the process down with it. The time is the CPU time of the parse's own thread (read from the
/// kernel by a watchdog), so a parse is not blamed for a loaded machine or for another parse that slows the process down;
/// a parse that takes four times the limit in wall time is stopped too, as held up (<see cref="ParseOutcome.Contested"/>).
/// A stopped parse ends at its next check (<see cref="ParseBudget"/>); its caller gets the limit as the outcome at once,
/// a new thread takes its place, and the stopped thread, lowered to the smallest CPU priority, is left to end by itself.
/// The threads have a large stack, so that a recursion the parser does not cap runs into the time limit rather than a
/// stack overflow, which no handler can catch.
/// </summary>
public sealed class BoundedParser : IDisposable
{
    private readonly ConcurrentQueue<Job> _urgent = new();
    private readonly ConcurrentQueue<Job> _ahead = new();
    private readonly SemaphoreSlim _queued = new(0);
    private readonly List<Worker> _workers = [];
    private readonly Lock _lock = new();
    private readonly Timer _watchdog;
    private readonly MailOptions _mail;
    private readonly Func<Stream, MailOptions, bool, CancellationToken, ParsedReply> _parse;
    private readonly TimeSpan _timeout;
    private readonly long _maxAllocated;
    private readonly int _stackBytes;
    private readonly ILogger<BoundedParser> _logger;
    private int _abandonedRunning;
    private bool _disposed;

    public BoundedParser(IOptions<ImapOptions> options, IOptions<MailOptions> mailOptions, ILogger<BoundedParser> logger)
        : this(options, mailOptions, logger, ReplyThreader.Parse)
    {
    }

    /// <param name="parse">What a parse does (tests: a parse that never reaches a check of its budget).</param>
    internal BoundedParser(IOptions<ImapOptions> options, IOptions<MailOptions> mailOptions, ILogger<BoundedParser> logger, Func<Stream, MailOptions, bool, CancellationToken, ParsedReply> parse)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mailOptions);
        _parse = parse;
        _mail = mailOptions.Value;
        _timeout = options.Value.ParseTimeout;
        _maxAllocated = options.Value.ParseMemoryMegabytes * 1024L * 1024;
        _stackBytes = options.Value.ParseStackMegabytes * 1024 * 1024;
        _logger = logger;
        // One thread per core that parses ahead, and one for the mail the pipeline waits for now.
        for (var i = 0; i < InboundProcessor.ParseAheadThreads + 1; i++)
        {
            StartWorker();
        }

        var period = TimeSpan.FromTicks(Math.Clamp(_timeout.Ticks / 20, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromMilliseconds(500).Ticks));
        _watchdog = new Timer(_ => Watch(), null, period, period);
    }

    /// <summary>Parses abandoned at their time limit whose threads have not ended yet.</summary>
    public int AbandonedRunning => Volatile.Read(ref _abandonedRunning);

    public TimeSpan Timeout => _timeout;

    /// <summary>Parses a mail held in memory; <paramref name="decodeFiles"/> also decodes its files for posting.</summary>
    /// <param name="urgent">The pipeline waits for this one now: it goes before mails parsed ahead.</param>
    public Task<ParseOutcome> ParseAsync(byte[] raw, bool decodeFiles, bool urgent, string label)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return ParseAsync(() => new MemoryStream(raw, writable: false), decodeFiles, urgent, label);
    }

    /// <summary>Parses a mail read from <paramref name="open"/> (a seekable stream that stays open, and is not used by
    /// anything else, while the parsed mail is in use; the caller disposes it).</summary>
    public Task<ParseOutcome> ParseAsync(Func<Stream> open, bool decodeFiles, bool urgent, string label)
    {
        ArgumentNullException.ThrowIfNull(open);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var job = new Job(open, decodeFiles, label);
        (urgent ? _urgent : _ahead).Enqueue(job);
        _queued.Release();
        return job.Result.Task;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _watchdog.Dispose();
        lock (_lock)
        {
            foreach (var worker in _workers)
            {
                worker.Retired = true;
            }
        }

        // Wakes every worker so each sees it is retired and ends; jobs still queued are answered as not parsed.
        _queued.Release(_workers.Count + 1);
        while (_urgent.TryDequeue(out var job) || _ahead.TryDequeue(out job))
        {
            job.Result.TrySetResult(new ParseOutcome(null, null, new ObjectDisposedException(nameof(BoundedParser)), TimeSpan.Zero, 0));
        }
    }

    private void StartWorker()
    {
        var worker = new Worker();
        var thread = new Thread(() => Work(worker), _stackBytes) { IsBackground = true, Name = "mail-parse" };
        lock (_lock)
        {
            _workers.Add(worker);
        }

        thread.Start();
    }

    private void Work(Worker worker)
    {
        worker.NativeThreadId = NativeThread.CurrentId();
        while (!worker.Retired)
        {
            _queued.Wait();
            if (worker.Retired)
            {
                break;
            }

            if (!_urgent.TryDequeue(out var job) && !_ahead.TryDequeue(out job))
            {
                continue;
            }

            worker.Current = job;
            Run(job);
            worker.Current = null;
        }

        lock (_lock)
        {
            _workers.Remove(worker);
        }

        if (worker.Abandoned)
        {
            Interlocked.Decrement(ref _abandonedRunning);
            _logger.LogWarning("The abandoned parse of {Mail} ended {Seconds:0.0} s after it was started", worker.AbandonedLabel, worker.AbandonedClock.Elapsed.TotalSeconds + _timeout.TotalSeconds);
        }
    }

    private void Run(Job job)
    {
        var clock = Stopwatch.StartNew();
        var budget = ParseBudget.Begin(_maxAllocated);
        job.Started(budget);
        ParseOutcome outcome;
        try
        {
            var parsed = _parse(new BudgetedStream(job.Open(), budget), _mail, job.DecodeFiles, budget.Cancellation);
            outcome = budget.Exceeded is { } late // a check threw and the parser caught it: what it gave is not the whole mail
                ? new ParseOutcome(null, late, null, clock.Elapsed, budget.AllocatedBytes) { Contested = AbandonedRunning > 0 }
                : new ParseOutcome(parsed, null, null, clock.Elapsed, budget.AllocatedBytes);
        }
        catch (Exception ex) when (budget.Exceeded is not null || ex is ParseLimitExceededException)
        {
            outcome = new ParseOutcome(null, budget.Exceeded ?? ex.Message, null, clock.Elapsed, budget.AllocatedBytes) { Contested = AbandonedRunning > 0 };
        }
        catch (InsufficientExecutionStackException)
        {
            outcome = new ParseOutcome(null, "is nested too deeply to be read", null, clock.Elapsed, budget.AllocatedBytes);
        }
        catch (OutOfMemoryException)
        {
            outcome = new ParseOutcome(null, "ran out of memory", null, clock.Elapsed, budget.AllocatedBytes);
        }
        catch (Exception ex)
        {
            outcome = new ParseOutcome(null, null, ex, clock.Elapsed, budget.AllocatedBytes);
        }
        finally
        {
            budget.Dispose();
        }

        job.Result.TrySetResult(outcome);
    }

    /// <summary>Gives up on every parse past its time: its caller gets the limit, a new thread takes the place of the one
    /// that runs it, and that thread keeps the smallest share of the CPU until it ends.</summary>
    private void Watch()
    {
        var late = new List<(Worker Worker, Job Job, string Limit, bool Contested)>();
        lock (_lock)
        {
            foreach (var worker in _workers.Where(w => !w.Abandoned))
            {
                if (worker.Current is not { } job)
                {
                    continue;
                }

                // The CPU the parse's thread used since the watchdog first saw it (a parse is seen within one period of
                // its start; most end before they are seen at all, and cost no reading).
                var cpu = NativeThread.CpuTime(worker.NativeThreadId);
                job.CpuBaseline ??= cpu;
                if (cpu is { } now && job.CpuBaseline is { } start && now - start > _timeout)
                {
                    late.Add((worker, job, $"used more than {_timeout.TotalSeconds:0.#} s of CPU", false));
                }
                else if (job.Elapsed > (cpu is null ? _timeout : _timeout * 4))
                {
                    late.Add((worker, job, $"took longer than {(cpu is null ? _timeout : _timeout * 4).TotalSeconds:0.#} s", cpu is not null));
                }
            }
        }

        foreach (var (worker, job, limit, contested) in late)
        {
            job.Stop(limit);
            if (!job.Result.TrySetResult(new ParseOutcome(null, limit, null, job.Elapsed, 0) { Contested = contested }))
            {
                continue; // it ended just now
            }

            worker.Abandoned = true;
            worker.Retired = true;
            worker.AbandonedLabel = job.Label;
            worker.AbandonedClock.Start();
            Interlocked.Increment(ref _abandonedRunning);
            NativeThread.LowerPriority(worker.NativeThreadId);
            _logger.LogWarning(
                "Parse of {Mail} stopped: it {Limit}; its thread, at the lowest priority, is left to end ({Abandoned} stopped parses running)",
                job.Label, limit, AbandonedRunning);
            if (!_disposed)
            {
                StartWorker();
            }
        }
    }

    private sealed class Worker
    {
        public volatile Job? Current;
        public volatile bool Retired;
        public volatile bool Abandoned;
        public int NativeThreadId;
        public string? AbandonedLabel;
        public Stopwatch AbandonedClock { get; } = new();
    }

    private sealed class Job(Func<Stream> open, bool decodeFiles, string label)
    {
        private readonly Stopwatch _clock = new();
        private ParseBudget? _budget;

        public TaskCompletionSource<ParseOutcome> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<Stream> Open => open;

        public bool DecodeFiles => decodeFiles;

        public string Label => label;

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>The CPU time of the parsing thread when the watchdog first saw this parse.</summary>
        public TimeSpan? CpuBaseline { get; set; }

        public void Started(ParseBudget budget)
        {
            _budget = budget;
            _clock.Start();
        }

        public void Stop(string reason) => _budget?.Stop(reason);
    }

    /// <summary>The kernel's id of a thread, and its CPU priority (Linux: setpriority on a thread id sets that thread's
    /// nice value; lowering it needs no privilege). Elsewhere nothing is done.</summary>
    private static class NativeThread
    {
        public static int CurrentId() => OperatingSystem.IsLinux() ? GetTid() : 0;

        /// <summary>The CPU time (user and system) a thread of this process used, from /proc (10 ms steps); null where
        /// it cannot be read.</summary>
        public static TimeSpan? CpuTime(int threadId)
        {
            if (!OperatingSystem.IsLinux() || threadId <= 0)
            {
                return null;
            }

            try
            {
                var stat = File.ReadAllText($"/proc/self/task/{threadId}/stat");
                // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                return TimeSpan.FromSeconds(ticks / 100.0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        public static void LowerPriority(int threadId)
        {
            if (OperatingSystem.IsLinux() && threadId > 0)
            {
                _ = SetPriority(0 /* PRIO_PROCESS: with a thread id, that thread */, threadId, 19);
            }
        }

        [DllImport("libc", EntryPoint = "gettid")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int GetTid();

        [DllImport("libc", EntryPoint = "setpriority")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int SetPriority(int which, int who, int priority);
    }
}
