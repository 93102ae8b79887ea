using System.Diagnostics;
using System.Globalization;
using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Search;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ClpMailGateway.Web.Tests;

/// <summary>
/// Keyword search over one large generated conversation: checks that every query kind finds what it should, and prints
/// p50/p95 of the search page and of the search alone. CLP_SEARCH_MESSAGES sets the size (default 3,000 so the suite
/// stays quick; the report's numbers come from 100,000):
/// <c>CLP_SEARCH_MESSAGES=100000 dotnet test tests/Web.Tests -c Release --filter SearchMeasurementTests --logger "console;verbosity=detailed"</c>.
/// Nothing here asserts a time.
/// </summary>
[Trait("Provider", "Sqlite")]
public sealed class SearchMeasurementTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Vocabulary =
    [
        "timeline", "subtitle", "template", "delivery", "episode", "frames", "conform", "glossary", "forced", "narrative", "locked", "cut",
        "review", "script", "dubbing", "casting", "voices", "résumé", "café", "über", "shot", "changes", "please", "check", "thanks", "today",
        "monday", "friday", "upload", "corrected", "version", "spotting", "reel", "audio", "mix", "stems", "loudness", "qc", "report", "notes",
    ];

    private static readonly string[] Japanese = ["第3話の字幕ファイルを納品しました。", "ご確認ください。", "タイムコードがずれています。", "用語集を更新しました。"];

    private WebApp _app = null!;
    private Title _title = null!;
    private User _pm = null!;
    private int _count;

    public async Task InitializeAsync()
    {
        _count = int.TryParse(Environment.GetEnvironmentVariable("CLP_SEARCH_MESSAGES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 3_000;
        _app = await WebApp.StartAsync(settings: new Dictionary<string, string?> { ["Web:SearchesPerMinute"] = "100000" }); // it measures many searches by one user
        _title = await _app.World.TitleAsync("ja", "fr");
        _pm = await _app.World.UserAsync(UserRole.Pm);
        var watch = Stopwatch.StartNew();
        await GenerateAsync(ClpMailGateway.TestSupport.World.Channel(_title, "vendor-ja").Id, _count);
        await GenerateAsync(ClpMailGateway.TestSupport.World.Channel(_title, "vendor-fr").Id, Math.Max(100, _count / 10));
        output.WriteLine($"generated {_count:N0} messages in one conversation (+{Math.Max(100, _count / 10):N0} elsewhere) in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Search_LargeConversation_FindsEveryQueryKindAndReportsPercentiles()
    {
        var queries = new (string Query, string Marked)[]
        {
            ("zanzibar", "zanzibar"),
            ("timeline", "timeline"),
            ("timeline glossary", "glossary"),
            ("tim*", "timeline"),
            ("\"locked cut\"", "locked cut"),
            ("resume", "résumé"),
            ("字幕ファイル", "字幕ファイル"),
            ("字幕", "字幕"),
            ("用語集 更新", "用語集"),
        };
        using var client = await _app.SignedInAsync(_pm);
        var channelId = ClpMailGateway.TestSupport.World.Channel(_title, "vendor-ja").Id;
        var lines = new List<string>();
        foreach (var (query, marked) in queries)
        {
            var pageTimes = new List<double>();
            var searchTimes = new List<double>();
            for (var i = 0; i < 12; i++)
            {
                var watch = Stopwatch.StartNew();
                var response = await client.GetAsync(new Uri($"/titles/{_title.Slug}/vendor-ja/search?q={Uri.EscapeDataString(query)}", UriKind.Relative));
                var html = await response.Content.ReadAsStringAsync();
                pageTimes.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Contains($"<mark>{marked}</mark>", html, StringComparison.Ordinal);

                await using var scope = _app.Services.CreateAsyncScope();
                var search = scope.ServiceProvider.GetRequiredService<MessageSearch>();
                watch.Restart();
                var result = await search.SearchAsync(SearchScope.Channel(channelId), SearchTerms.Parse(query), 50, CancellationToken.None);
                searchTimes.Add(watch.Elapsed.TotalMilliseconds);
                Assert.NotEmpty(result.Hits);
                Assert.All(result.Hits, h => Assert.Equal(channelId, h.ChannelId));
                Assert.Equal(result.Hits.OrderByDescending(h => h.Id).Select(h => h.Id), result.Hits.Select(h => h.Id));
            }

            // The first run warms caches; percentiles over the rest.
            lines.Add($"{query,-22} page p50 {P(pageTimes, 50),7:0.0} ms  p95 {P(pageTimes, 95),7:0.0} ms | search p50 {P(searchTimes, 50),7:0.0} ms  p95 {P(searchTimes, 95),7:0.0} ms");
        }

        output.WriteLine($"{_count:N0} messages in the conversation; 11 timed runs per query after one warm-up:");
        lines.ForEach(output.WriteLine);
        Assert.Equal(queries.Length, lines.Count);
    }

    private static double P(List<double> times, int percentile)
    {
        var sorted = times.Skip(1).Order().ToList();
        var index = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    private async Task GenerateAsync(int channelId, int count)
    {
        var random = new Random(channelId);
        var origin = await OriginStorageAsync();
        await using var connection = new SqliteConnection(_app.Database.ConnectionString);
        await connection.OpenAsync();
        ClpMailGateway.Storage.Sqlite.SqliteSearchIndex.RegisterFunction(connection);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO Messages (ChannelId, AuthorId, Text, Origin, CreatedAtUtc) VALUES ($c, $a, $t, $o, $at)";
        var c = command.Parameters.Add("$c", SqliteType.Integer);
        var a = command.Parameters.Add("$a", SqliteType.Integer);
        var t = command.Parameters.Add("$t", SqliteType.Text);
        var o = command.Parameters.Add("$o", SqliteType.Text);
        var at = command.Parameters.Add("$at", SqliteType.Text);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            var words = Enumerable.Range(0, random.Next(8, 40)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]).ToList();
            if (random.Next(4) == 0)
            {
                words.Insert(random.Next(words.Count), Japanese[random.Next(Japanese.Length)]);
            }

            if (i % 5_000 == 17)
            {
                words.Add("zanzibar");
            }

            c.Value = channelId;
            a.Value = _pm.Id;
            t.Value = string.Join(' ', words);
            o.Value = origin[i % 2];
            at.Value = start.AddSeconds(i * 30).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>The stored form of the two origins, read from rows EF wrote, so the generator matches the schema.</summary>
    private async Task<object[]> OriginStorageAsync()
    {
        await Scene.PostAsync(_app, _pm, ClpMailGateway.TestSupport.World.Channel(_title, "broadcast"), "origin probe");
        await using var connection = new SqliteConnection(_app.Database.ConnectionString);
        await connection.OpenAsync();
        await using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT typeof(Origin), Origin FROM Messages LIMIT 1";
        await using var reader = await probe.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetString(0) == "text" ? ["Web", "Email"] : [1L, 2L];
    }
}
