using System.Net;
using System.Text;
using ClpMailGateway.MailAuth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Identity.Client;

namespace ClpMailGateway.Tests.MailAuth;

public class AccessTokenSourceTests
{
    [Fact]
    public async Task Get_TokenFresh_IsReusedAndWithinRenewBeforeIsRenewed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var provider = new CountingProvider(time, TimeSpan.FromMinutes(60));
        using var source = Source(provider, time);

        var first = await source.GetAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(50));
        var same = await source.GetAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(6));
        var renewed = await source.GetAsync(CancellationToken.None);

        Assert.Equal(first, same);
        Assert.NotEqual(first, renewed);
        Assert.Equal([false, true], provider.Forced);
    }

    [Fact]
    public async Task RenewAfterRefusal_ForcesANewTokenOnceForConnectionsRefusedTogether()
    {
        var time = new FakeTimeProvider();
        var provider = new CountingProvider(time, TimeSpan.FromMinutes(60));
        using var source = Source(provider, time);
        var refused = await source.GetAsync(CancellationToken.None);

        var renewed = await source.RenewAfterRefusalAsync(refused, CancellationToken.None);
        var again = await source.RenewAfterRefusalAsync(refused, CancellationToken.None);

        Assert.NotEqual(refused, renewed);
        Assert.Equal(renewed, again);
        Assert.Equal([false, true], provider.Forced);
    }

    [Fact]
    public async Task RenewAfterRefusal_ProviderHasNothingNewer_ThrowsNamingTheLogin()
    {
        using var source = Source(new StaticAccessTokenProvider(new OAuth2Options { AccessToken = "static" }, "Smtp:OAuth2"), new FakeTimeProvider());

        var refused = await source.GetAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => source.RenewAfterRefusalAsync(refused, CancellationToken.None));

        Assert.Contains("Smtp login reply@example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Microsoft365_ClientCredentials_TokenFromTheTokenEndpointAndAForcedRefreshAsksAgain()
    {
        var handler = new EntraHandler();
        var provider = new MicrosoftAccessTokenProvider(
            new OAuth2Options { TenantId = "contoso.onmicrosoft.com", ClientId = "11111111-2222-3333-4444-555555555555", ClientSecret = "secret" },
            new Factory(new HttpClient(handler)));

        var first = await provider.AcquireAsync(forceRefresh: false, CancellationToken.None);
        var cached = await provider.AcquireAsync(forceRefresh: false, CancellationToken.None);
        var forced = await provider.AcquireAsync(forceRefresh: true, CancellationToken.None);

        Assert.Equal("entra-token-1", first.Value);
        Assert.Equal(first.Value, cached.Value);
        Assert.Equal("entra-token-2", forced.Value);
        Assert.InRange(first.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.All(handler.Requests, r => Assert.Contains("scope=https%3A%2F%2Foutlook.office365.com%2F.default", r, StringComparison.Ordinal));
        Assert.All(handler.Requests, r => Assert.Contains("grant_type=client_credentials", r, StringComparison.Ordinal));
    }

    private static AccessTokenSource Source(IAccessTokenProvider provider, TimeProvider time) =>
        new(provider, new OAuth2Options(), time, NullLogger.Instance, "Smtp login reply@example.com");

    private sealed class CountingProvider(TimeProvider time, TimeSpan lifetime) : IAccessTokenProvider
    {
        public List<bool> Forced { get; } = [];

        public Task<AccessToken> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken)
        {
            Forced.Add(forceRefresh);
            return Task.FromResult(new AccessToken($"token-{Forced.Count}", time.GetUtcNow() + lifetime));
        }
    }

    /// <summary>Entra ID's token endpoint for the client credentials flow, as MSAL calls it.</summary>
    private sealed class EntraHandler : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", request.RequestUri!.GetLeftPart(UriPartial.Path));
            Requests.Add(await request.Content!.ReadAsStringAsync(cancellationToken));
            var json = $$"""{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"entra-token-{{Requests.Count}}"}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class Factory(HttpClient client) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => client;
    }
}
