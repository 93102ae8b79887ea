using System.Diagnostics;
using System.Net.Http;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;

namespace ClpMailGateway.IntegrationTests;

/// <summary>The web executable started as an operator might, from another folder, on Kestrel: it reads its own
/// appsettings.json, its log never holds the secret of a sign-in, unsubscribe or address-confirmation link, whatever the
/// log level, and Kestrel refuses a large body on any form but the upload.</summary>
public sealed class WebLogTests : IDisposable
{
    private const string Secret = "SuperSecretLinkValue0123456789abcdefghijkl";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clp-weblog-tests", Guid.NewGuid().ToString("N"));

    public WebLogTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task StartedFromAnotherFolder_ReadsItsOwnSettings_NoRequestLines()
    {
        var log = await RunWebAsync(new Dictionary<string, string>());

        Assert.DoesNotContain("Request starting", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLoggingTurnedOn_SecretsAreRedacted()
    {
        var log = await RunWebAsync(new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information" });

        Assert.Contains("Request starting", log, StringComparison.Ordinal);
        Assert.Contains("/signin/link/[redacted]", log, StringComparison.Ordinal);
        Assert.Contains("/unsubscribe/[redacted]", log, StringComparison.Ordinal);
        Assert.Contains("/settings/addresses/verify/[redacted]", log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousForm_WithALargeBody_IsRefusedAt413()
    {
        string? statusLine = null;

        await RunWebAsync(new Dictionary<string, string>(), async http =>
        {
            // Raw HTTP: Kestrel answers on the Content-Length and closes, so a client still sending the body would only
            // see a broken pipe.
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(http.BaseAddress!.Host, http.BaseAddress.Port);
            var stream = tcp.GetStream();
            var head = $"POST /signin HTTP/1.1\r\nHost: {http.BaseAddress.Authority}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
                $"Content-Length: {8 * 1024 * 1024}\r\n\r\nemail=someone%40clp.test&padding=";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
            statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        });

        Assert.Equal("HTTP/1.1 413 Payload Too Large", statusLine);
    }

    [Fact]
    public async Task StartedFromItsBuildFolder_ServesTheStyleSheetFingerprintedAndImmutable()
    {
        string? href = null;
        HttpResponseMessage? css = null;
        string? arabic = null;

        await RunWebAsync(new Dictionary<string, string>(), async http =>
        {
            var home = await http.GetStringAsync(new Uri("/", UriKind.Relative));
            href = System.Text.RegularExpressions.Regex.Match(home, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;
            css = await http.GetAsync(new Uri(href, UriKind.Relative));
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
            request.Headers.AcceptLanguage.ParseAdd("ar-EG,ar;q=0.9");
            arabic = await (await http.SendAsync(request)).Content.ReadAsStringAsync();
        });

        Assert.Matches("^/css/site\\.[a-z0-9]{6,}\\.css$", href);
        Assert.Equal(System.Net.HttpStatusCode.OK, css!.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", css.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        // The satellite assemblies of the translations are in the build folder too.
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arabic, StringComparison.Ordinal);
    }

    private Task<string> RunWebAsync(IReadOnlyDictionary<string, string> environment) => RunWebAsync(environment, async http =>
    {
        foreach (var path in new[] { $"/signin/link/{Secret}", $"/unsubscribe/k1_{Secret}", $"/settings/addresses/verify/{Secret}?x=1" })
        {
            await http.GetAsync(new Uri(path, UriKind.Relative));
        }
    });

    /// <summary>Starts the built web from a folder of its own, runs <paramref name="requests"/> against it (by default the
    /// three capability links), stops it and returns what it logged.</summary>
    private async Task<string> RunWebAsync(IReadOnlyDictionary<string, string> environment, Func<HttpClient, Task> requests)
    {
        var port = RunningWeb.FreePort();
        var web = RepositoryPaths.BuiltDll("Web");
        var info = new ProcessStartInfo("dotnet", [web, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        info.Environment["ConnectionStrings__Gateway"] = $"Data Source={Path.Combine(_folder, "gateway.db")}";
        info.Environment["ReplyTokens__CurrentKeyId"] = "t1";
        info.Environment["ReplyTokens__Keys__t1"] = TestDatabase.TestTokenKey;
        info.Environment["Imap__Password"] = "demo";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    await http.GetAsync(new Uri("/", UriKind.Relative));
                    break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(200);
                }
            }

            await requests(http);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return await stdout + await stderr;
    }
}
