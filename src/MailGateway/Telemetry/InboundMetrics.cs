using System.Diagnostics.Metrics;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;

namespace ClpMailGateway.Telemetry;

/// <summary>The inbound pipeline's instruments (meter <see cref="TelemetryNames.InboundMeter"/>): mails fetched, stored
/// and threaded (by outcome and kind: auto-replies and bounces are kinds), quarantined by reason, how long a mail waited
/// from its arrival in the mailbox to its post, and how long polls take.</summary>
public sealed class InboundMetrics
{
    /// <summary>Seconds, from a quarter second to an hour: a reply lands within seconds, a backlog within minutes.</summary>
    private static readonly double[] WaitBuckets = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private static readonly double[] PollBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly Counter<long> _fetched;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _threaded;
    private readonly Counter<long> _quarantined;
    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _pollDuration;

    public InboundMetrics(IMeterFactory meterFactory, PollStatus status)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        var meter = meterFactory.Create(TelemetryNames.InboundMeter);
        _fetched = meter.CreateCounter<long>("clp.inbound.fetched", "{mail}", "Mails fetched from the gateway mailbox.");
        _stored = meter.CreateCounter<long>("clp.inbound.stored", "{mail}", "Fetched mails stored (a mail already stored is not counted again).");
        _threaded = meter.CreateCounter<long>(
            "clp.inbound.threaded", "{mail}", "Stored mails threaded, by outcome (posted, ignored, quarantined) and kind (reply, auto_reply, bounce, not_a_reply).");
        _quarantined = meter.CreateCounter<long>("clp.inbound.quarantined", "{mail}", "Mails quarantined, by reason.");
        _wait = meter.CreateHistogram(
            "clp.inbound.wait", "s", "How long a posted reply waited, from its arrival in the mailbox to its post.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WaitBuckets });
        _pollDuration = meter.CreateHistogram(
            "clp.inbound.poll.duration", "s", "How long one poll of the gateway mailbox took (error.type set when it failed).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PollBuckets });

        // From what this process's poll and IDLE listener record (PollStatus): nothing before its first successful
        // poll, and nothing about IDLE in a process that does not listen (the web, IDLE turned off).
        meter.CreateObservableGauge(
            "clp.inbound.poll.last_success_time",
            () => status.Current.LastSuccessUtc is { } at ? [new Measurement<double>((at - DateTime.UnixEpoch).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            "s",
            "When the last successful poll of the gateway mailbox ended (Unix time).");
        meter.CreateObservableGauge(
            "clp.inbound.idle.connected",
            () => status.Current is { IdleConnected: var connected, IdleCause: var cause } && (connected || cause is not null)
                ? [new Measurement<int>(connected ? 1 : 0)]
                : Array.Empty<Measurement<int>>(),
            "{connection}",
            "Whether this process holds the IMAP IDLE connection on the gateway mailbox (1) or not (0).");
    }

    public void Fetched(int count)
    {
        if (count > 0)
        {
            _fetched.Add(count);
        }
    }

    public void Stored(int count)
    {
        if (count > 0)
        {
            _stored.Add(count);
        }
    }

    /// <summary>A mail's threading committed: its outcome, its kind, its reason when quarantined, and its wait when
    /// posted (from <paramref name="arrivedAtUtc"/>, its arrival in the mailbox, to <paramref name="nowUtc"/>).</summary>
    public void Threaded(InboundStatus status, string? kind, string? reason, DateTime arrivedAtUtc, DateTime nowUtc)
    {
        _threaded.Add(1, new KeyValuePair<string, object?>("clp.inbound.outcome", MetricLabels.Outcome(status)), new KeyValuePair<string, object?>("clp.inbound.kind", MetricLabels.Kind(kind)));
        if (status == InboundStatus.Rejected)
        {
            _quarantined.Add(1, new KeyValuePair<string, object?>("clp.quarantine.reason", MetricLabels.Reason(reason)));
        }
        else if (status == InboundStatus.Posted)
        {
            _wait.Record(Math.Max(0, (nowUtc - arrivedAtUtc).TotalSeconds));
        }
    }

    /// <summary>One poll ended: its duration, and the type of the exception that ended it when it failed.</summary>
    public void Polled(TimeSpan duration, Exception? failure)
    {
        if (failure is null)
        {
            _pollDuration.Record(duration.TotalSeconds);
        }
        else
        {
            _pollDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("error.type", failure.GetType().Name));
        }
    }
}
