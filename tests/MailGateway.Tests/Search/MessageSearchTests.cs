using ClpMailGateway.Domain;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using ClpMailGateway.Storage.Sqlite;
using ClpMailGateway.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Search;

public sealed class MessageSearchTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private World _world = null!;
    private Title _title = null!;
    private Title _other = null!;
    private User _author = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _world = new World(_database);
        _title = await _world.TitleAsync("fr", "ja", "th");
        _other = await _world.TitleAsync("fr");
        _author = await _world.UserAsync(UserRole.Pm);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Search_SeveralMatches_NewestFirst()
    {
        var fr = World.Channel(_title, "vendor-fr");
        var ids = new List<long>();
        foreach (var text in new[] { "first timeline", "unrelated", "second timeline", "third timeline" })
        {
            ids.Add(await PostAsync(fr, text));
        }

        var result = await SearchAsync(SearchScope.Channel(fr.Id), "timeline");

        Assert.Equal([ids[3], ids[2], ids[0]], result.Hits.Select(h => h.Id));
        Assert.Equal(3, result.Count);
        Assert.False(result.CountIsCapped);
        Assert.All(result.Hits, h => Assert.Contains("\u0002timeline\u0003", h.Snippet, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_MoreMatchesThanTheCap_CountIsCapped()
    {
        var fr = World.Channel(_title, "vendor-fr");
        await InsertManyAsync(fr, MessageSearch.CountCap + 5, i => $"timeline number {i}");

        var result = await SearchAsync(SearchScope.Channel(fr.Id), "timeline", limit: 10);

        Assert.Equal(10, result.Hits.Count);
        Assert.Equal(MessageSearch.CountCap, result.Count);
        Assert.True(result.CountIsCapped);
        Assert.Contains($"number {MessageSearch.CountCap + 4}", result.Hits[0].Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_LimitReachedUnderTheCap_CountsExactly()
    {
        var fr = World.Channel(_title, "vendor-fr");
        await InsertManyAsync(fr, 30, i => $"glossary {i}");

        var result = await SearchAsync(SearchScope.Channel(fr.Id), "glossary", limit: 10);

        Assert.Equal(10, result.Hits.Count);
        Assert.Equal(30, result.Count);
        Assert.False(result.CountIsCapped);
    }

    [Fact]
    public async Task Search_Scopes_NeverLookOutside()
    {
        var fr = await PostAsync(World.Channel(_title, "vendor-fr"), "timeline in French");
        var broadcast = await PostAsync(World.Channel(_title, "broadcast"), "timeline for all");
        var internalId = await PostAsync(World.Channel(_title, "internal"), "timeline for staff");
        var otherTitle = await PostAsync(World.Channel(_other, "vendor-fr"), "timeline elsewhere");

        var channel = await SearchAsync(SearchScope.Channel(World.Channel(_title, "vendor-fr").Id), "timeline");
        var channels = await SearchAsync(SearchScope.Channels([World.Channel(_title, "vendor-fr").Id, World.Channel(_title, "broadcast").Id]), "timeline");
        var title = await SearchAsync(SearchScope.Title(_title.Id), "timeline");
        var none = await SearchAsync(SearchScope.Channels([]), "timeline");

        Assert.Equal([fr], channel.Hits.Select(h => h.Id));
        Assert.Equal([broadcast, fr], channels.Hits.Select(h => h.Id));
        Assert.Equal([internalId, broadcast, fr], title.Hits.Select(h => h.Id));
        Assert.DoesNotContain(otherTitle, title.Hits.Select(h => h.Id));
        Assert.Equal(World.Channel(_title, "internal").Id, title.Hits[0].ChannelId);
        Assert.Empty(none.Hits);
    }

    [Fact]
    public async Task Search_WordsOfTheScopeColumn_AreNotText()
    {
        var fr = World.Channel(_title, "vendor-fr");
        await PostAsync(fr, "nothing to see");

        // The scope tokens (c<id>, t<id>) live in their own column: typing one finds nothing.
        var result = await SearchAsync(SearchScope.Channel(fr.Id), $"c{fr.Id} t{_title.Id}");

        Assert.Empty(result.Hits);
    }

    [Theory]
    [InlineData("字幕ファイル", "字幕ファイル")]
    [InlineData("字幕", "字幕")]
    [InlineData("納品 字幕", "字幕")]
    [InlineData("คำบรรยาย", "คำบรรยาย")]
    public async Task Search_ScriptsWithoutSpaces_FindSubstringsInScopeOnly(string query, string marked)
    {
        var ja = World.Channel(_title, "vendor-ja");
        var th = World.Channel(_title, "vendor-th");
        await PostAsync(ja, "第3話の字幕ファイルを納品しました。");
        await PostAsync(th, "ส่งคำบรรยายสำหรับตอนที่ 3 แล้ว");
        await PostAsync(World.Channel(_other, "vendor-fr"), "第3話の字幕ファイルを納品しました。ส่งคำบรรยายสำหรับตอนที่ 3 แล้ว");

        var result = await SearchAsync(SearchScope.Title(_title.Id), query);

        var hit = Assert.Single(result.Hits);
        Assert.Contains("\u0002" + marked + "\u0003", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_MessageEditedOrDeleted_IndexFollows()
    {
        var fr = World.Channel(_title, "vendor-fr");
        var id = await PostAsync(fr, "old words 字幕ファイル");
        await _world.SaveAsync(db => db.Messages.Where(m => m.Id == id).ExecuteUpdate(s => s.SetProperty(m => m.Text, "new words")));
        await IndexChangedBySqlAsync();

        Assert.Empty((await SearchAsync(SearchScope.Channel(fr.Id), "old")).Hits);
        Assert.Empty((await SearchAsync(SearchScope.Channel(fr.Id), "字幕ファイル")).Hits);
        Assert.Single((await SearchAsync(SearchScope.Channel(fr.Id), "new")).Hits);

        await _world.SaveAsync(db => db.Messages.Where(m => m.Id == id).ExecuteDelete());
        Assert.Empty((await SearchAsync(SearchScope.Channel(fr.Id), "new")).Hits);
    }

    [Theory]
    [InlineData("resume")]
    [InlineData("RÉSUMÉ")]
    [InlineData("résumé")]
    public async Task Search_CaseAndDiacritics_AreFolded(string query)
    {
        var fr = World.Channel(_title, "vendor-fr");
        var id = await PostAsync(fr, "Le résumé de l'épisode est prêt");

        var result = await SearchAsync(SearchScope.Channel(fr.Id), query);

        Assert.Equal([id], result.Hits.Select(h => h.Id));
        Assert.Contains("\u0002résumé\u0003", result.Hits[0].Snippet, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("字", "字")]
    [InlineData("話の字", "話の字")]
    [InlineData("タイムライン", "タイムライン")]
    [InlineData("타임라인", "타임라인")]
    public async Task Search_AnySubstringOfAScriptWithoutSpaces_IsFound(string query, string marked)
    {
        var ja = World.Channel(_title, "vendor-ja");
        var id = await PostAsync(ja, "第3話の字幕ファイル、タイムラインを修正。타임라인을 확인했습니다");
        await PostAsync(ja, "まったく別の話です");

        var result = await SearchAsync(SearchScope.Channel(ja.Id), query);

        Assert.Equal([id], result.Hits.Select(h => h.Id));
        Assert.Contains("\u0002" + marked + "\u0003", result.Hits[0].Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_PrefixAndPhrase_StayInTheirScope()
    {
        var fr = World.Channel(_title, "vendor-fr");
        var broadcast = World.Channel(_title, "broadcast");
        var here = await PostAsync(fr, "the locked cut was delivered");
        await PostAsync(broadcast, "the locked cut was delivered too");
        await PostAsync(fr, "cut locked, delivery late");

        Assert.Equal([here], (await SearchAsync(SearchScope.Channel(fr.Id), "\"locked cut\"")).Hits.Select(h => h.Id));
        Assert.Equal(2, (await SearchAsync(SearchScope.Channel(fr.Id), "deliv*")).Count);
        Assert.Equal(3, (await SearchAsync(SearchScope.Title(_title.Id), "deliv*")).Count);
    }

    [Fact]
    public async Task Search_MessageMovedToAnotherChannel_IsFoundThereOnly()
    {
        var fr = World.Channel(_title, "vendor-fr");
        var broadcast = World.Channel(_title, "broadcast");
        var id = await PostAsync(fr, "moved timeline");

        await _world.SaveAsync(db => db.Messages.Where(m => m.Id == id).ExecuteUpdate(s => s.SetProperty(m => m.ChannelId, broadcast.Id)));
        await IndexChangedBySqlAsync();

        Assert.Empty((await SearchAsync(SearchScope.Channel(fr.Id), "timeline")).Hits);
        Assert.Equal([id], (await SearchAsync(SearchScope.Channel(broadcast.Id), "timeline")).Hits.Select(h => h.Id));
    }

    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task Insert_ConnectionWithoutTheSearchFunction_FailsLoudly()
    {
        // A connection opened by hand must register the function; without it the insert fails, it is never left unindexed.
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO Messages (ChannelId, AuthorId, Text, Origin, CreatedAtUtc) VALUES ({World.Channel(_title, "vendor-fr").Id}, {_author.Id}, 'x', 'Web', '2026-01-01 00:00:00')";

        var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains(SqliteSearchIndex.FunctionName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task Maintenance_ManySegments_MergesIntoOneAndSearchStillFindsEverything()
    {
        var fr = World.Channel(_title, "vendor-fr");
        var ids = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await PostAsync(fr, $"timeline note {i}")); // each its own commit: a segment each, until automerge
        }

        await _world.SaveAsync(db => db.Messages.Where(m => m.Id == ids[5]).ExecuteDelete());

        var result = await MaintenanceAsync(maxSegments: 1);

        Assert.True(result.SegmentsBefore > 1, $"{result.SegmentsBefore} segments before");
        Assert.Equal(1, result.SegmentsAfter);
        Assert.True(result.Steps >= 1);
        var found = await SearchAsync(SearchScope.Channel(fr.Id), "timeline", limit: 100);
        Assert.Equal(ids.Where((_, i) => i != 5).Reverse(), found.Hits.Select(h => h.Id));
        Assert.Equal([ids[39]], (await SearchAsync(SearchScope.Channel(fr.Id), "39")).Hits.Select(h => h.Id));
    }

    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task Maintenance_FewSegments_DoesNothing()
    {
        await PostAsync(World.Channel(_title, "vendor-fr"), "one message");

        var result = await MaintenanceAsync(maxSegments: 8);

        Assert.Equal(0, result.Steps);
        Assert.Equal(result.SegmentsBefore, result.SegmentsAfter);
        Assert.InRange(result.SegmentsBefore, 0, 8);
    }

    [Theory]
    [InlineData("t*")]
    [InlineData("timeline é*")]
    public void Terms_OneLetterPrefix_HasAProblem(string query)
    {
        var terms = SearchTerms.Parse(query);

        Assert.Contains("at least 2 letters before the *", terms.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_TermsWithAProblem_AreRefused()
    {
        await using var scope = _database.Scope();
        var search = scope.ServiceProvider.GetRequiredService<MessageSearch>();

        await Assert.ThrowsAsync<ArgumentException>(() => search.SearchAsync(SearchScope.Title(_title.Id), SearchTerms.Parse("t*"), 10, CancellationToken.None));
    }

    [Fact]
    [Trait("Provider", "Sqlite")]
    public async Task Migration_ExistingMessages_AreIndexedWithTheirScope()
    {
        // Back to the schema before the scoped indexes, add messages there, then migrate: the rebuild backfills them.
        await using (var scope = _database.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            await db.GetService<IMigrator>().MigrateAsync("20261127013833_Outbound");
        }

        var fr = await PostRawAsync(World.Channel(_title, "vendor-fr"), "timeline before the upgrade");
        var ja = await PostRawAsync(World.Channel(_title, "vendor-ja"), "アップグレード前の字幕ファイル");
        await using (var scope = _database.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(CancellationToken.None);
        }

        Assert.Equal([fr], (await SearchAsync(SearchScope.Channel(World.Channel(_title, "vendor-fr").Id), "timeline")).Hits.Select(h => h.Id));
        Assert.Equal([ja], (await SearchAsync(SearchScope.Title(_title.Id), "字幕ファイル")).Hits.Select(h => h.Id));
        Assert.Empty((await SearchAsync(SearchScope.Title(_other.Id), "timeline")).Hits);
    }

    private async Task<SearchResult> SearchAsync(SearchScope scope, string query, int limit = 50)
    {
        await using var services = _database.Scope();
        return await services.ServiceProvider.GetRequiredService<MessageSearch>().SearchAsync(scope, SearchTerms.Parse(query), limit, CancellationToken.None);
    }

    private async Task<SearchIndexUpkeep> MaintenanceAsync(int maxSegments)
    {
        await using var services = _database.Scope();
        var maintenance = new SearchIndexMaintenance(
            services.ServiceProvider.GetRequiredService<ISearchIndex>(),
            Microsoft.Extensions.Options.Options.Create(new SearchIndexOptions { MaxSegments = maxSegments, StepPages = 16 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SearchIndexMaintenance>.Instance);
        return await maintenance.RunAsync(CancellationToken.None);
    }

    /// <summary>On PostgreSQL a message changed by a statement (not by the gateway, which indexes what it writes) loses
    /// its words at once and gets them back from the search upkeep job; SQLite's triggers do both at once.</summary>
    private async Task IndexChangedBySqlAsync()
    {
        if (TestDatabase.IsPostgres)
        {
            Assert.Equal(1, (await MaintenanceAsync(maxSegments: 8)).Indexed);
        }
    }

    private async Task<long> PostAsync(Channel channel, string text)
    {
        var message = new Message { ChannelId = channel.Id, AuthorId = _author.Id, Text = text, Origin = MessageOrigin.Web, CreatedAtUtc = DateTime.UtcNow };
        await _world.SaveAsync(db => db.Messages.Add(message));
        return message.Id;
    }

    /// <summary>A message inserted with SQL (the schema of an older migration may not match the model).</summary>
    private async Task<long> PostRawAsync(Channel channel, string text)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO Messages (ChannelId, AuthorId, Text, Origin, CreatedAtUtc) VALUES ($c, $a, $t, 'Web', '2026-01-01 00:00:00') RETURNING Id";
        command.Parameters.AddWithValue("$c", channel.Id);
        command.Parameters.AddWithValue("$a", _author.Id);
        command.Parameters.AddWithValue("$t", text);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task InsertManyAsync(Channel channel, int count, Func<int, string> text)
    {
        if (TestDatabase.IsPostgres)
        {
            // Through EF, which indexes the messages on PostgreSQL as posting does.
            await _world.SaveAsync(db => db.Messages.AddRange(Enumerable.Range(0, count).Select(i => new Message
            {
                ChannelId = channel.Id, AuthorId = _author.Id, Text = text(i), Origin = MessageOrigin.Web, CreatedAtUtc = DateTime.UtcNow,
            })));
            return;
        }

        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        SqliteSearchIndex.RegisterFunction(connection);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO Messages (ChannelId, AuthorId, Text, Origin, CreatedAtUtc) VALUES ($c, $a, $t, 'Web', '2026-01-01 00:00:00')";
        command.Parameters.AddWithValue("$c", channel.Id);
        command.Parameters.AddWithValue("$a", _author.Id);
        var t = command.Parameters.Add("$t", SqliteType.Text);
        for (var i = 0; i < count; i++)
        {
            t.Value = text(i);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }
}
