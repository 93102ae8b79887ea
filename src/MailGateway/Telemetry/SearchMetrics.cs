using System.Diagnostics.Metrics;

namespace ClpMailGateway.Telemetry;

/// <summary>The search's instrument (meter <see cref="TelemetryNames.SearchMeter"/>): how long a keyword search took,
/// by scope (a channel's conversation or a whole title).</summary>
public sealed class SearchMetrics
{
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Histogram<double> _duration;

    public SearchMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _duration = meterFactory.Create(TelemetryNames.SearchMeter).CreateHistogram(
            "clp.search.duration", "s", "How long a keyword search took, by scope (channel, title).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    public void Searched(bool acrossTitle, TimeSpan duration) =>
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("clp.search.scope", acrossTitle ? "title" : "channel"));
}
