using System.Diagnostics.Metrics;
using ClpMailGateway.Telemetry;

namespace ClpMailGateway.Web.SignIn;

/// <summary>Sign-ins on the web (meter <see cref="TelemetryNames.WebMeter"/>): by method (a mailed link, the demo's
/// account list) and outcome (signed in, refused: a used, expired or unknown link, an inactive or unknown account),
/// and the links asked for.</summary>
public sealed class SignInMetrics
{
    private readonly Counter<long> _signIns;
    private readonly Counter<long> _linksRequested;

    public SignInMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(TelemetryNames.WebMeter);
        _signIns = meter.CreateCounter<long>("clp.web.sign_ins", "{sign_in}", "Sign-in attempts, by method (link, demo) and outcome (signed_in, refused).");
        _linksRequested = meter.CreateCounter<long>("clp.web.sign_in_links.requested", "{request}", "Sign-in links asked for with a well-formed address (mailed or not).");
    }

    public void SignedIn(string method, bool succeeded) => _signIns.Add(
        1,
        new KeyValuePair<string, object?>("clp.sign_in.method", method == "demo" ? "demo" : "link"),
        new KeyValuePair<string, object?>("clp.sign_in.outcome", succeeded ? "signed_in" : "refused"));

    public void LinkRequested() => _linksRequested.Add(1);
}
