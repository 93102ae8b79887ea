namespace ClpMailGateway.Authentication;

/// <summary>Whether a mail's sender was authenticated, how, and the results behind it (for the inbound trace).</summary>
public sealed record SenderAuthentication(bool Passed, string Detail)
{
    public static SenderAuthentication Pass(string detail) => new(true, detail);

    public static SenderAuthentication Fail(string detail) => new(false, detail);
}
