using ClpMailGateway.Domain;
using ClpMailGateway.Permissions;

namespace ClpMailGateway.Tests.Permissions;

public class ChannelPolicyTests
{
    // role | channel | Internal messages | what the user's vendor is assigned on the title | fr enabled in settings | expected
    // The Vendor channel under test is French. "other" = the vendor is assigned German only; "fr" = French and German.
    // Internal users belong to no vendor, so their assignment is always "none".
    private const string Table = """
        pm     internal  on  none on  post
        pm     internal  on  none off post
        pm     internal  off none on  none
        pm     internal  off none off none
        pm     broadcast on  none on  post
        pm     broadcast on  none off post
        pm     broadcast off none on  post
        pm     broadcast off none off post
        pm     vendor    on  none on  post
        pm     vendor    on  none off post
        pm     vendor    off none on  post
        pm     vendor    off none off post
        cpc    internal  on  none on  post
        cpc    internal  on  none off post
        cpc    internal  off none on  none
        cpc    internal  off none off none
        cpc    broadcast on  none on  post
        cpc    broadcast on  none off post
        cpc    broadcast off none on  post
        cpc    broadcast off none off post
        cpc    vendor    on  none on  post
        cpc    vendor    on  none off post
        cpc    vendor    off none on  post
        cpc    vendor    off none off post
        vendor internal  on  none  on  none
        vendor internal  on  none  off none
        vendor internal  on  other on  none
        vendor internal  on  other off none
        vendor internal  on  fr    on  none
        vendor internal  on  fr    off none
        vendor internal  off none  on  none
        vendor internal  off none  off none
        vendor internal  off other on  none
        vendor internal  off other off none
        vendor internal  off fr    on  none
        vendor internal  off fr    off none
        vendor broadcast on  none  on  none
        vendor broadcast on  none  off none
        vendor broadcast on  other on  read
        vendor broadcast on  other off read
        vendor broadcast on  fr    on  read
        vendor broadcast on  fr    off read
        vendor broadcast off none  on  none
        vendor broadcast off none  off none
        vendor broadcast off other on  read
        vendor broadcast off other off read
        vendor broadcast off fr    on  read
        vendor broadcast off fr    off read
        vendor vendor    on  none  on  none
        vendor vendor    on  none  off none
        vendor vendor    on  other on  none
        vendor vendor    on  other off none
        vendor vendor    on  fr    on  post
        vendor vendor    on  fr    off none
        vendor vendor    off none  on  none
        vendor vendor    off none  off none
        vendor vendor    off other on  none
        vendor vendor    off other off none
        vendor vendor    off fr    on  post
        vendor vendor    off fr    off none
        """;

    public static TheoryData<string, string, string, string, string, string> Rows()
    {
        var data = new TheoryData<string, string, string, string, string, string>();
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            data.Add(f[0], f[1], f[2], f[3], f[4], f[5]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_TableRow_GivesExpectedAccess(string role, string kind, string internalMessages, string assignment, string french, string expected)
    {
        var reader = Reader(role, internalMessages == "on", assignment, french == "on", active: true);

        var decision = ChannelPolicy.Decide(reader, Kind(kind), kind == "vendor" ? "fr" : null);

        Assert.Equal(expected, Describe(decision));
        Assert.Equal(decision.CanRead, decision.ReadDeniedReason is null);
        Assert.Equal(decision.CanPost, decision.PostDeniedReason is null);
    }

    [Fact]
    public void Table_CoversEveryCombinationOnce()
    {
        var rows = Rows().Select(r => string.Join(' ', r.Take(5))).ToList();

        // 2 internal roles x 3 kinds x 2 Internal settings x 2 language settings, plus vendors x 3 assignments.
        Assert.Equal((2 * 3 * 2 * 2) + (3 * 2 * 3 * 2), rows.Count);
        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_DeactivatedUser_GetsNothing(string role, string kind, string internalMessages, string assignment, string french, string expected)
    {
        _ = expected;
        var reader = Reader(role, internalMessages == "on", assignment, french == "on", active: false);

        var decision = ChannelPolicy.Decide(reader, Kind(kind), kind == "vendor" ? "fr" : null);

        Assert.Equal("none", Describe(decision));
        Assert.Contains("deactivated", decision.ReadDeniedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_VendorOnBroadcast_ReadsButIsToldWhereToPost()
    {
        var decision = ChannelPolicy.Decide(Reader("vendor", true, "fr", true, true), ChannelKind.Broadcast, null);

        Assert.True(decision.CanRead);
        Assert.False(decision.CanPost);
        Assert.Contains("only staff post", decision.PostDeniedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_VendorWithoutAssignment_ReasonNamesTheLanguage()
    {
        var decision = ChannelPolicy.Decide(Reader("vendor", true, "other", true, true), ChannelKind.Vendor, "fr");

        Assert.Equal("your vendor is not assigned fr on this title", decision.ReadDeniedReason);
    }

    [Fact]
    public void Decide_VendorChannelOfOtherRegion_IsDistinct()
    {
        // Assigned pt-BR does not open pt-PT.
        var reader = new ReaderContext(UserRole.Vendor, true, false, new HashSet<string> { "pt-BR", "pt-PT" }, new HashSet<string> { "pt-BR" });

        Assert.True(ChannelPolicy.Decide(reader, ChannelKind.Vendor, "pt-BR").CanPost);
        Assert.False(ChannelPolicy.Decide(reader, ChannelKind.Vendor, "pt-PT").CanRead);
    }

    [Fact]
    public void Decide_VendorChannelWithoutLanguage_Throws() =>
        Assert.Throws<ArgumentNullException>(() => ChannelPolicy.Decide(Reader("pm", true, "none", true, true), ChannelKind.Vendor, null));

    private static ReaderContext Reader(string role, bool internalOn, string assignment, bool frenchOn, bool active)
    {
        var userRole = role switch
        {
            "pm" => UserRole.Pm,
            "cpc" => UserRole.Cpc,
            "vendor" => UserRole.Vendor,
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
        };
        var assigned = assignment switch
        {
            "none" => new HashSet<string>(),
            "other" => new HashSet<string> { "de" },
            "fr" => new HashSet<string> { "fr", "de" },
            _ => throw new ArgumentOutOfRangeException(nameof(assignment), assignment, null),
        };
        var enabled = frenchOn ? new HashSet<string> { "fr", "de" } : new HashSet<string> { "de" };
        return new ReaderContext(userRole, active, internalOn, enabled, assigned);
    }

    private static ChannelKind Kind(string kind) => kind switch
    {
        "internal" => ChannelKind.Internal,
        "broadcast" => ChannelKind.Broadcast,
        "vendor" => ChannelKind.Vendor,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Describe(AccessDecision decision) =>
        decision.CanPost ? (decision.CanRead ? "post" : "post-without-read") : decision.CanRead ? "read" : "none";
}
