using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Hosting;

/// <summary>Rules of <see cref="GatewayHttpOptions"/>: at least one address, each plain <c>http://host:port</c> with an
/// explicit port (the listener has no certificate: put a TLS proxy in front to reach it from elsewhere).</summary>
public sealed partial class GatewayHttpOptionsValidator : IValidateOptions<GatewayHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var urls = options.UrlList();
        if (urls.Count == 0)
        {
            return ValidateOptionsResult.Fail("Gateway:Http:Urls is empty: give at least one http://host:port (loopback: http://127.0.0.1:5380).");
        }

        var errors = new List<string>();
        foreach (var url in urls)
        {
            if (!TryParse(url, out _, out var port) || port > 65535)
            {
                errors.Add($"Gateway:Http:Urls: '{url}' is not http://host:port (a port from 0 to 65535; https is not served: put a TLS proxy in front).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The host and port of one address of <c>Gateway:Http:Urls</c>; false when it is not <c>http://host:port</c>
    /// (the port is not checked against 65535 here).</summary>
    public static bool TryParse(string url, out string host, out int port)
    {
        ArgumentNullException.ThrowIfNull(url);
        var match = HttpAddress().Match(url);
        host = match.Success ? match.Groups["host"].Value : string.Empty;
        port = match.Success ? int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) : 0;
        return match.Success;
    }

    /// <summary>Scheme, host (a name, an IPv4 address, a bracketed IPv6 address, or Kestrel's <c>*</c> and <c>+</c> for
    /// every address) and port; nothing else.</summary>
    [GeneratedRegex(@"^http://(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+|\*|\+):(?<port>[0-9]{1,5})/?$", RegexOptions.CultureInvariant)]
    private static partial Regex HttpAddress();
}
