using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ClpMailGateway.IntegrationTests.Support;

/// <summary>
/// An identity provider in the test process for Dovecot's oauth2 passdb: <c>POST /token</c> issues access tokens for a
/// Google-style service account (an RS256 JWT assertion, RFC 7523, its signature checked against the account's key, its
/// <c>sub</c> the user acted as), and <c>POST /introspect</c> (RFC 7662) tells Dovecot whether a token is active and for
/// whom. A test can revoke tokens, register static ones, and count what was issued and refused.
/// </summary>
public sealed class OAuth2Endpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, (string User, DateTimeOffset Expires)> _tokens = new();
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly RSA _accountKey = RSA.Create(2048);
    private readonly Task _serving;

    public OAuth2Endpoint(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }

    /// <summary>How long an issued token lives (expires_in).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<string> Issued => [.. _issued];

    /// <summary>Tokens Dovecot asked about that were not active.</summary>
    public IReadOnlyList<string> Refused => [.. _refused];

    /// <summary>Makes a token active for <paramref name="user"/>, as if another process had got it.</summary>
    public void Register(string token, string user) => _tokens[token] = (user, DateTimeOffset.UtcNow.AddHours(1));

    /// <summary>Every token so far stops working before its time (as when a provider revokes them).</summary>
    public void RevokeAll() => _tokens.Clear();

    /// <summary>A service account key file whose token_uri is this endpoint, in <paramref name="folder"/>.</summary>
    public string WriteServiceAccountKey(string folder)
    {
        var path = Path.Combine(folder, "service-account.json");
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "clp-test",
            ["private_key_id"] = "k1",
            ["private_key"] = _accountKey.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = "gateway@clp-test.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["token_uri"] = $"http://127.0.0.1:{Port}/token",
        });
        File.WriteAllText(path, json);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
            // Stopped.
        }

        _accountKey.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var form = ParseForm(await reader.ReadToEndAsync());
            var (status, body) = context.Request.Url!.AbsolutePath switch
            {
                "/token" => Token(form),
                "/introspect" => Introspect(form),
                _ => (404, "{}"),
            };
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int, string) Token(Dictionary<string, string> form)
    {
        if (form.GetValueOrDefault("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || form.GetValueOrDefault("assertion") is not { } assertion)
        {
            return (400, """{"error":"unsupported_grant_type"}""");
        }

        var parts = assertion.Split('.');
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (parts.Length != 3 || !_accountKey.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (400, """{"error":"invalid_grant","error_description":"bad signature"}""");
        }

        using var claims = JsonDocument.Parse(Base64Url(parts[1]));
        var user = claims.RootElement.GetProperty("sub").GetString()!;
        var token = "ya29." + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = (user, DateTimeOffset.UtcNow + TokenLifetime);
        _issued.Enqueue(token);
        return (200, JsonSerializer.Serialize(new { access_token = token, token_type = "Bearer", expires_in = (int)TokenLifetime.TotalSeconds }));
    }

    private (int, string) Introspect(Dictionary<string, string> form)
    {
        var token = form.GetValueOrDefault("token") ?? string.Empty;
        if (_tokens.TryGetValue(token, out var entry) && entry.Expires > DateTimeOffset.UtcNow)
        {
            return (200, JsonSerializer.Serialize(new { active = true, username = entry.User }));
        }

        _refused.Enqueue(token);
        return (200, """{"active":false}""");
    }

    private static Dictionary<string, string> ParseForm(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => p.Length > 1 ? WebUtility.UrlDecode(p[1]) : string.Empty);

    private static byte[] Base64Url(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}
