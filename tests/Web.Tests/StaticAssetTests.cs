using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

/// <summary>The stylesheet under wwwroot, as MapStaticAssets serves it and the layout links it.</summary>
[Trait("Database", "Indifferent")]
public sealed partial class StaticAssetTests : IAsyncLifetime
{
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task StyleSheet_LinkedFromEveryPage_IsFingerprintedAndServed()
    {
        using var client = _app.Client();
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        var missing = await (await client.GetAsync(new Uri("/no-such-page", UriKind.Relative))).Content.ReadAsStringAsync();

        var href = StyleSheetLink().Match(home).Groups[1].Value;
        Assert.Matches("^/css/site\\.[a-z0-9]{6,}\\.css$", href);
        Assert.Contains($"href=\"{href}\"", missing, StringComparison.Ordinal);
        var css = await client.GetAsync(new Uri(href, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("inset-inline-start", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StyleSheet_PlainPath_IsServedWithItsETag()
    {
        using var client = _app.Client();

        var css = await client.GetAsync(new Uri("/css/site.css", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.NotNull(css.Headers.ETag);
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex StyleSheetLink();
}
