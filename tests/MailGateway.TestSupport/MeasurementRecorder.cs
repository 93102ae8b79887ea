using System.Diagnostics.Metrics;
using ClpMailGateway.Telemetry;

namespace ClpMailGateway.TestSupport;

/// <summary>Every measurement of the gateway's meters made by one container's <see cref="IMeterFactory"/> (tests running
/// beside each other have factories of their own), with its tags.</summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Recorded> _measurements = [];

    public MeasurementRecorder(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name.StartsWith(TelemetryNames.Prefix + ".", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<Recorded> All
    {
        get
        {
            // An observable instrument's values are what it reports now, not every report so far.
            lock (_measurements)
            {
                _measurements.RemoveAll(m => m.Observable);
            }

            _listener.RecordObservableInstruments();
            lock (_measurements)
            {
                return [.. _measurements];
            }
        }
    }

    public IReadOnlyList<Recorded> Of(string instrument) => All.Where(m => m.Instrument == instrument).ToList();

    /// <summary>The sum of an instrument's measurements whose tags include every one of <paramref name="tags"/>.</summary>
    public double Sum(string instrument, params (string Key, string Value)[] tags) =>
        Of(instrument).Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copied = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags)
        {
            copied[key] = Convert.ToString(tag, System.Globalization.CultureInfo.InvariantCulture);
        }

        lock (_measurements)
        {
            _measurements.Add(new Recorded(instrument.Name, instrument.Unit, value, copied, instrument.IsObservable));
        }
    }

    public sealed record Recorded(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, string?> Tags, bool Observable);
}
