using System.Diagnostics.Metrics;

namespace ClpMailGateway.Telemetry;

/// <summary>The outbound side's instruments (meter <see cref="TelemetryNames.OutboundMeter"/>): notifications queued,
/// send attempts by result and SMTP reply class, their duration, and the outbox's state as last sampled
/// (<see cref="OutboxSampler"/>): its depth, the age of its oldest due mail, the addresses suppressed.</summary>
public sealed class OutboundMetrics
{
    private static readonly double[] SendBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _queued;
    private readonly Counter<long> _sends;
    private readonly Histogram<double> _sendDuration;
    private OutboxSample? _sample;

    public OutboundMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(TelemetryNames.OutboundMeter);
        _queued = meter.CreateCounter<long>("clp.outbound.queued", "{mail}", "Notification mails queued by the fan-out.");
        _sends = meter.CreateCounter<long>(
            "clp.outbound.sends", "{mail}",
            "Send attempts, by result (sent, deferred: tried again later, failed: given up), SMTP reply class (2, 4, 5; none when the connection failed) and purpose.");
        _sendDuration = meter.CreateHistogram(
            "clp.outbound.send.duration", "s", "How long handing one mail to the relay took (envelope and content, on an open connection).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SendBuckets });
        meter.CreateObservableGauge("clp.outbound.depth", () => Observe(s => s.Pending), "{mail}", "Mails in the outbox not yet sent or given up.");
        meter.CreateObservableGauge(
            "clp.outbound.oldest_due.age", () => Observe(s => s.OldestDueAge.TotalSeconds), "s",
            "How long the oldest mail that is due to be sent has been in the outbox (0 when none is due).");
        meter.CreateObservableGauge(
            "clp.outbound.suppressed_addresses", () => Observe(s => s.SuppressedAddresses), "{address}", "Addresses no notification goes to (bounced until suppressed).");
    }

    public void Queued(int count)
    {
        if (count > 0)
        {
            _queued.Add(count);
        }
    }

    /// <summary>One send attempt's outcome.</summary>
    /// <param name="result">sent, deferred or failed.</param>
    /// <param name="replyCode">The relay's reply code, or null when the connection failed before a reply.</param>
    public void Sent(string result, int? replyCode, string purpose, TimeSpan? duration)
    {
        var replyClass = replyCode switch
        {
            >= 200 and < 300 => "2",
            >= 300 and < 400 => "3",
            >= 400 and < 500 => "4",
            >= 500 and < 600 => "5",
            _ => "none",
        };
        _sends.Add(
            1,
            new KeyValuePair<string, object?>("clp.outbound.result", result),
            new KeyValuePair<string, object?>("clp.smtp.reply_class", replyClass),
            new KeyValuePair<string, object?>("clp.outbound.purpose", MetricLabels.Purpose(purpose)));
        if (duration is { } taken)
        {
            _sendDuration.Record(taken.TotalSeconds, new KeyValuePair<string, object?>("clp.outbound.result", result));
        }
    }

    /// <summary>The outbox's state as just read; observed by the gauges until the next sample.</summary>
    public void Sampled(OutboxSample sample) => Volatile.Write(ref _sample, sample);

    private IEnumerable<Measurement<T>> Observe<T>(Func<OutboxSample, T> value)
        where T : struct => Volatile.Read(ref _sample) is { } sample ? [new Measurement<T>(value(sample))] : [];
}

/// <summary>What <see cref="OutboxSampler"/> read of the outbox at one moment.</summary>
public sealed record OutboxSample(long Pending, TimeSpan OldestDueAge, long SuppressedAddresses);
