using ClpMailGateway.Rendering;

namespace ClpMailGateway.Tests.Rendering;

public class ReaderTimeTests
{
    [Theory]
    [InlineData("Europe/Paris", "Europe/Paris")]
    [InlineData("  America/New_York ", "America/New_York")]
    [InlineData("UTC", "UTC")]
    [InlineData("Asia/Kolkata", "Asia/Kolkata")]
    [InlineData("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires")]
    public void TryParse_IanaName_Accepted(string input, string id)
    {
        Assert.True(ReaderTime.TryParse(input, out var zone, out var error));
        Assert.Equal(id, zone.Id);
        Assert.Null(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/localtime")]
    [InlineData("Europe/../../etc/shadow")]
    [InlineData("Europe//Paris")]
    [InlineData("Europe/Paris\0")]
    [InlineData("Europe/Paris\n")]
    [InlineData("Europe/Paris<script>")]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Romance Standard Time")]
    [InlineData("Europe/Paris; DROP TABLE Users")]
    [InlineData("Europe/Parisxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public void TryParse_HostileOrUnknown_RefusedWithAClearError(string? input)
    {
        Assert.False(ReaderTime.TryParse(input, out var zone, out var error));
        Assert.Null(zone);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("<script>", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Zone_StoredNameNoLongerKnown_FallsBackToUtc() =>
        Assert.Equal(TimeZoneInfo.Utc, ReaderTime.Zone("Mars/Olympus_Mons"));
}
