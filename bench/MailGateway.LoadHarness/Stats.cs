namespace ClpMailGateway.LoadHarness;

internal static class Stats
{
    /// <summary>Nearest-rank percentile (p in 0..100) of the values.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
