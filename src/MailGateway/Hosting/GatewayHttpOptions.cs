namespace ClpMailGateway.Hosting;

/// <summary>The small HTTP listener of <c>run</c> (section <c>Gateway:Http</c>): health, and what monitoring reads.</summary>
public sealed class GatewayHttpOptions
{
    public const string SectionName = "Gateway:Http";

    /// <summary>Where it listens: one or more <c>http://host:port</c>, separated by <c>;</c>. Loopback by default, so
    /// nothing is reachable from other machines unless an operator says so; port 0 takes a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5380";

    public IReadOnlyList<string> UrlList() =>
        Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
