using System.Text.Json;
using ClpMailGateway.Commands;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Snapshooter.Xunit;

namespace ClpMailGateway.Tests.Commands;

public sealed class GatewayCliTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private Cli _cli = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _cli = new Cli(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task SeedDemo_FreshDatabase_PrintsTitlesVendorsAndUsers()
    {
        var result = await _cli.RunAsync("seed-demo");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Snapshot.Match(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Newtonsoft.Json.Linq.JToken.Parse).ToList());
        var types = result.Lines.Select(l => l.GetProperty("type").GetString()).ToList();
        Assert.Equal(2, types.Count(t => t == "title"));
        Assert.Equal(2, types.Count(t => t == "vendor"));
        Assert.Contains(result.Lines, l => l.GetProperty("type").GetString() == "user" && l.GetProperty("role").GetString() == "cpc");
    }

    [Fact]
    public async Task SeedDemo_RunTwice_AddsNothingAndPrintsTheSame()
    {
        var first = await _cli.RunAsync("seed-demo");
        var world = new World(_database);
        var messages = await world.CountAsync<Message>();

        var second = await _cli.RunAsync("seed-demo");

        Assert.Equal(first.Stdout, second.Stdout);
        Assert.True(messages >= 19, $"the demo has a few messages in each channel, found {messages}");
        Assert.Equal(messages, await world.CountAsync<Message>());
        Assert.Equal(8, await world.CountAsync<User>());
    }

    [Fact]
    public async Task SeedDemo_History_IsAlreadyNotifiedAndMailsNobody()
    {
        await _cli.RunAsync("seed-demo");
        var world = new World(_database);

        Assert.Equal(0, await world.CountAsync<PendingFanout>());
        Assert.Equal(0, await _database.FanOutAsync());
        Assert.Equal(0, await world.CountAsync<OutboundMail>());
        Assert.Equal(0, await world.CountAsync<DigestItem>());
    }

    [Fact]
    public async Task SeedDemo_EachVendorHasOnePrimaryLanguagePerTitle_TheFirstListed()
    {
        await _cli.RunAsync("seed-demo");

        var rows = await new World(_database).QueryAsync(db =>
            db.VendorAssignments.Where(a => a.IsPrimary).Join(db.Vendors, a => a.VendorId, v => v.Id, (a, v) => new { v.Name, a.TitleId, a.Language })
                .Join(db.Titles, x => x.TitleId, t => t.Id, (x, t) => new { x.Name, t.Slug, x.Language }).ToListAsync());
        var primaries = rows.Select(r => $"{r.Name}/{r.Slug}/{r.Language}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            ["Kaiju Dubbing/blue-harbor-s2/ja", "Kaiju Dubbing/midnight-atlas/es", "Lumen Subtitles/blue-harbor-s2/fr", "Lumen Subtitles/midnight-atlas/fr"],
            primaries);
    }

    [Fact]
    public async Task Post_MentionOfSomeoneWithMentionMailsOff_WarnsWhoAndWhy()
    {
        await _cli.RunAsync("seed-demo");
        await new World(_database).SaveAsync(db => db.UserSettings.Where(s => s.UserId == db.UserEmails.Single(e => e.Address == "fr.lea@clp.test").UserId)
            .ExecuteUpdate(s => s.SetProperty(x => x.MentionsEnabled, false)));

        var post = await _cli.RunAsync("post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "vendor-fr", "--text", "@lea please check");

        Assert.Equal(ExitCodes.Ok, post.ExitCode);
        Assert.Equal(
            ["@lea (Léa Martin) will not get a mail about it: they turned mention mails off."],
            Assert.Single(post.Lines).GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
    }

    [Fact]
    public async Task SeedDemo_EveryChannelHasMessages()
    {
        await _cli.RunAsync("seed-demo");

        var empty = await new World(_database).QueryAsync(db => Task.FromResult(
            db.Channels.Where(c => !db.Messages.Any(m => m.ChannelId == c.Id)).Select(c => c.Key).ToList()));

        Assert.Empty(empty);
    }

    [Fact]
    public async Task Messages_BroadcastAsVendor_ShowsDemoMessages()
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "broadcast", "--as", "ja.yuki@clp.test");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(2, result.Lines.Count);
        Assert.All(result.Lines, l => Assert.Equal("broadcast", l.GetProperty("channel").GetString()));
        Assert.StartsWith("Locked cut is available", result.Lines[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("pm.anna@clp.test", result.Lines[0].GetProperty("author").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Messages_InternalAsVendor_IsRefusedWithOneLine()
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "internal", "--as", "ja.yuki@clp.test");

        Assert.Equal(ExitCodes.PermissionDenied, result.ExitCode);
        Assert.Equal("error: Yuki Tanaka cannot read blue-harbor-s2/internal: the Internal channel is for staff only.", result.Error);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Messages_OtherVendorsLanguage_IsRefused()
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr", "--as", "ja.yuki@clp.test");

        Assert.Equal(ExitCodes.PermissionDenied, result.ExitCode);
        Assert.Contains("not assigned fr", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ExitCodes.NotFound, "error: no title 'nope'; titles: blue-harbor-s2, midnight-atlas.", "messages", "--title", "nope", "--channel", "broadcast")]
    [InlineData(ExitCodes.NotFound, "error: blue-harbor-s2 has no channel vendor-es; its channels: internal, broadcast, vendor-fr, vendor-de, vendor-ja, vendor-pt-br.", "messages", "--title", "blue-harbor-s2", "--channel", "vendor-es")]
    [InlineData(ExitCodes.Usage, "error: 'vendor-french' is not a channel key; use internal, broadcast or vendor-<language> (vendor-fr, vendor-pt-br).", "messages", "--title", "blue-harbor-s2", "--channel", "vendor-french")]
    [InlineData(ExitCodes.NotFound, "error: no user has the address ghost@clp.test.", "messages", "--title", "blue-harbor-s2", "--channel", "broadcast", "--as", "ghost@clp.test")]
    [InlineData(ExitCodes.Usage, "error: messages: --channel is required.", "messages", "--title", "blue-harbor-s2")]
    [InlineData(ExitCodes.Usage, "error: messages: unknown option --chanel.", "messages", "--title", "blue-harbor-s2", "--chanel", "broadcast")]
    [InlineData(ExitCodes.Usage, "error: messages: --limit must be a positive whole number, not '-1'.", "messages", "--title", "blue-harbor-s2", "--channel", "broadcast", "--limit", "-1")]
    [InlineData(ExitCodes.Usage, "error: unknown command 'mesages'; run with --help for the list.", "mesages")]
    [InlineData(ExitCodes.Usage, "error: post: give --text or --text-file, not both.", "post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast", "--text", "a", "--text-file", "b")]
    [InlineData(ExitCodes.Usage, "error: post: give --text or --text-file (or at least one --attach).", "post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast")]
    [InlineData(ExitCodes.NotFound, "error: post: no file /nonexistent/x.pdf to attach.", "post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast", "--text", "a", "--attach", "/nonexistent/x.pdf")]
    [InlineData(ExitCodes.PermissionDenied, "error: You cannot post in Blue Harbor S2 · Broadcast: only staff post to the Broadcast channel; reply in your language's channel.", "post", "--as", "fr.lea@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast", "--text", "hi")]
    [InlineData(ExitCodes.Refused, "error: A message needs text or at least one attachment.", "post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast", "--text", "   ")]
    public async Task Command_BadRequest_ExitsNonZeroWithOneLine(int exitCode, string error, params string[] args)
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync(args);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(error, result.Error);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Post_WithAttachmentAndMention_PrintsMessageAndShowsInChannel()
    {
        await _cli.RunAsync("seed-demo");
        var file = Path.Combine(_database.Folder, "glossary-de.csv");
        await File.WriteAllTextAsync(file, "harbor master;Hafenmeister\n");

        var post = await _cli.RunAsync("post", "--as", "de.jonas@clp.test", "--title", "blue-harbor-s2", "--channel", "VENDOR-DE",
            "--text", "Glossary attached, @chiara please review. @lea too", "--attach", file);

        Assert.Equal(ExitCodes.Ok, post.ExitCode);
        var line = Assert.Single(post.Lines);
        Assert.Equal("vendor-de", line.GetProperty("channel").GetString());
        Assert.Equal("web", line.GetProperty("origin").GetString());
        Assert.Equal(["cpc.chiara@clp.test"], line.GetProperty("mentions").EnumerateArray().Select(e => e.GetString()));
        var attachment = Assert.Single(line.GetProperty("attachments").EnumerateArray());
        Assert.Equal("glossary-de.csv", attachment.GetProperty("name").GetString());
        Assert.Equal(new FileInfo(file).Length, attachment.GetProperty("size_bytes").GetInt64());
        Assert.Contains("@lea (Léa Martin) cannot read this channel", line.GetProperty("warnings")[0].GetString(), StringComparison.Ordinal);

        var listed = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-de", "--as", "cpc.chiara@clp.test");
        Assert.Equal(line.GetProperty("id").GetInt64(), listed.Lines[^1].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Post_OversizeAttachment_IsRefusedAndNothingSaved()
    {
        await _cli.RunAsync("seed-demo");
        var before = await new World(_database).CountAsync<Message>();
        var file = Path.Combine(_database.Folder, "master.mov");
        await File.WriteAllBytesAsync(file, new byte[PostingLimits.MaxAttachmentBytes + 1]);

        var result = await _cli.RunAsync("post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast",
            "--text", "the master", "--attach", file);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Equal("error: The attachment 'master.mov' is larger than the limit of 10 MB per file; nothing was posted.", result.Error);
        Assert.Equal(before, await new World(_database).CountAsync<Message>());
    }

    [Fact]
    public async Task Post_TextFile_IsPosted()
    {
        await _cli.RunAsync("seed-demo");
        var file = Path.Combine(_database.Folder, "note.txt");
        await File.WriteAllTextAsync(file, "Línea uno\nLínea dos\n");

        var result = await _cli.RunAsync("post", "--as", "es.sofia@clp.test", "--title", "midnight-atlas", "--channel", "vendor-es", "--text-file", file);

        Assert.Equal("Línea uno\nLínea dos", Assert.Single(result.Lines).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Messages_Search_FindsFoldedPrefixAndPhraseWithHighlight()
    {
        await _cli.RunAsync("seed-demo");

        var folded = await _cli.RunAsync("messages", "--title", "midnight-atlas", "--channel", "vendor-es", "--as", "es.sofia@clp.test", "--search", "REVISION");
        var prefix = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-de", "--search", "hafen*");
        var phrase = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-de", "--search", "\"harbor master\"");

        Assert.Contains("[revisión]", Assert.Single(folded.Lines).GetProperty("highlight").GetString(), StringComparison.Ordinal);
        Assert.Contains("[Hafenmeister]", Assert.Single(prefix.Lines, l => l.GetProperty("author").GetProperty("email").GetString() == "de.jonas@clp.test").GetProperty("highlight").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, prefix.Lines.Count);
        Assert.Single(phrase.Lines);
    }

    [Fact]
    public async Task Messages_Search_StaysInsideTheChannel()
    {
        await _cli.RunAsync("seed-demo");

        // "timeline" is in vendor-fr only; searching vendor-de must not leak it.
        var de = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-de", "--search", "timeline");
        var fr = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr", "--search", "timeline");

        Assert.Empty(de.Lines);
        Assert.Equal(2, fr.Lines.Count);
    }

    [Fact]
    public async Task Messages_SearchWithoutChannel_SearchesTheChannelsTheUserMayRead()
    {
        await _cli.RunAsync("seed-demo");

        // "timeline" is in vendor-fr only: the operator and Léa (French) find it across the title, Jonas (German) does not.
        var operatorView = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--search", "timeline");
        var lea = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--as", "fr.lea@clp.test", "--search", "timeline");
        var jonas = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--as", "de.jonas@clp.test", "--search", "timeline");

        Assert.Equal(2, operatorView.Lines.Count);
        Assert.All(operatorView.Lines, l => Assert.Equal("vendor-fr", l.GetProperty("channel").GetString()));
        Assert.True(operatorView.Lines[0].GetProperty("id").GetInt64() > operatorView.Lines[1].GetProperty("id").GetInt64(), "newest first");
        Assert.Equal(2, lea.Lines.Count);
        Assert.Equal(ExitCodes.Ok, jonas.ExitCode);
        Assert.Empty(jonas.Lines);
    }

    [Fact]
    public async Task Messages_OneLetterPrefix_RefusedWithTheReason()
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr", "--search", "t*");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("error: messages: A prefix search needs at least 2 letters before the * (\"t*\" would match almost everything).", result.Error);
    }

    [Fact]
    public async Task Messages_WithoutChannelOrSearch_AsksForTheChannel()
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync("messages", "--title", "blue-harbor-s2");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--channel", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("((\"")]
    [InlineData("NEAR(a b)")]
    [InlineData("text:timeline")]
    [InlineData("*")]
    [InlineData("' OR 1=1 --")]
    [InlineData("😀")]
    public async Task Messages_OddSearch_NeverFails(string query)
    {
        await _cli.RunAsync("seed-demo");

        var result = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr", "--search", query);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Messages_Limit_PrintsNewestOldestFirst()
    {
        await _cli.RunAsync("seed-demo");

        var all = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr");
        var last = await _cli.RunAsync("messages", "--title", "blue-harbor-s2", "--channel", "vendor-fr", "--limit", "1");

        Assert.Equal(all.Lines[^1].GetProperty("id").GetInt64(), Assert.Single(last.Lines).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Migrate_Twice_SecondAppliesNothing()
    {
        var result = await _cli.RunAsync("migrate");

        var line = Assert.Single(result.Lines);
        Assert.Equal("migrated", line.GetProperty("type").GetString());
        Assert.Equal(0, line.GetProperty("applied").GetArrayLength());
        Assert.Equal(JsonValueKind.String, line.GetProperty("current").ValueKind);
    }

    [Fact]
    public async Task Commands_UnmigratedDatabase_AskForMigrate()
    {
        var folder = Path.Combine(_database.Folder, "fresh");
        var overrides = new Dictionary<string, string?> { ["ConnectionStrings:Gateway"] = $"Data Source={Path.Combine(folder, "new.db")}" };
        Directory.CreateDirectory(folder);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await GatewayCli.RunAsync(["seed-demo"], stdout, stderr, overrides, CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Matches("^error: the database .*new.db is not migrated \\(\\d+ pending migrations\\); run 'migrate' first.\\n$", stderr.ToString());
    }

    [Fact]
    public async Task Notifications_StuckMessage_IsListedWithItsError_RetriedAfterTheFix_Once()
    {
        await _cli.RunAsync("seed-demo");
        await _database.FanOutAsync();
        var broken = new Dictionary<string, string?> { ["ReplyTokens:CurrentKeyId"] = "gone" };
        var posted = await _cli.RunWithSettingsAsync(broken, "post", "--as", "pm.anna@clp.test", "--title", "blue-harbor-s2", "--channel", "broadcast", "--text", "new locked cut");
        Assert.Equal(ExitCodes.Ok, posted.ExitCode); // the post stands; its notifications wait
        var id = Assert.Single(posted.Lines).GetProperty("id").GetInt64();
        var world = new World(_database);
        var mailsBefore = await world.CountAsync<OutboundMail>();

        var waiting = Assert.Single((await _cli.RunAsync("notifications", "stuck", "--all")).Lines);
        Assert.Equal(id, waiting.GetProperty("message_id").GetInt64());
        Assert.Equal("blue-harbor-s2", waiting.GetProperty("title").GetString());
        Assert.Equal("broadcast", waiting.GetProperty("channel").GetString());
        Assert.Equal("pm.anna@clp.test", waiting.GetProperty("author").GetString());
        Assert.Equal(1, waiting.GetProperty("attempts").GetInt32());
        Assert.False(waiting.GetProperty("given_up").GetBoolean());
        Assert.Contains("ReplyTokens:CurrentKeyId 'gone'", waiting.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Empty((await _cli.RunAsync("notifications", "stuck")).Lines); // still tried by every fan-out run

        // As after every later run failed too.
        await world.SaveAsync(db => db.PendingFanouts.Single(f => f.MessageId == id).Attempts = ClpMailGateway.Outbound.NotificationFanout.MaxAttempts);
        var stuck = Assert.Single((await _cli.RunAsync("notifications", "stuck")).Lines);
        Assert.True(stuck.GetProperty("given_up").GetBoolean());
        Assert.Equal(0, await _database.FanOutAsync());

        var stillBroken = await _cli.RunWithSettingsAsync(broken, "notifications", "retry", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ExitCodes.Failure, stillBroken.ExitCode);
        Assert.Equal(1, Assert.Single(stillBroken.Lines).GetProperty("attempts").GetInt32());

        var fixedRun = await _cli.RunAsync("notifications", "retry", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ExitCodes.Ok, fixedRun.ExitCode);
        Assert.Equal("notifications_queued", Assert.Single(fixedRun.Lines).GetProperty("type").GetString());
        Assert.Empty((await _cli.RunAsync("notifications", "stuck", "--all")).Lines);
        var queued = await world.CountAsync<OutboundMail>() - mailsBefore;
        Assert.True(queued >= 3, $"the Broadcast's followers are mailed, {queued} mails queued");

        var again = await _cli.RunAsync("notifications", "retry", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ExitCodes.NotFound, again.ExitCode);
        Assert.Equal($"error: notifications retry: message {id} has no notifications waiting (see notifications stuck --all).", again.Error);
        Assert.Equal(queued, await world.CountAsync<OutboundMail>() - mailsBefore);
    }

    [Theory]
    [InlineData("error: notifications: say stuck or retry ID.", "notifications")]
    [InlineData("error: notifications: unknown action 'list'; say stuck or retry ID.", "notifications", "list")]
    [InlineData("error: notifications retry: give the id of one message (see notifications stuck).", "notifications", "retry", "x1")]
    [InlineData("error: notifications retry: give the id of one message (see notifications stuck).", "notifications", "retry")]
    public async Task Notifications_BadArguments_UsageError(string error, params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task Help_PrintsUsage()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("post --as EMAIL --title SLUG --channel KEY", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithoutReplyTokenKeys_RefusesToStart()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var overrides = new Dictionary<string, string?> { ["ConnectionStrings:Gateway"] = _database.ConnectionString, ["Imap:Password"] = "demo" };

        var exit = await GatewayCli.RunAsync(["run"], stdout, stderr, overrides, CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("ReplyTokens:Keys is empty", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TemplateThatDoesNotParse_RefusesToStartNamingIt()
    {
        var folder = Directory.CreateTempSubdirectory("clp-templates-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(ClpMailGateway.Outbound.MailTemplates.ShippedFolder, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(folder.FullName, Path.GetRelativePath(ClpMailGateway.Outbound.MailTemplates.ShippedFolder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            File.WriteAllText(Path.Combine(folder.FullName, "notification.txt.liquid"), "{% if preview %}never closed");
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var overrides = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Gateway"] = _database.ConnectionString,
                ["Imap:Password"] = "demo",
                ["ReplyTokens:CurrentKeyId"] = "k1",
                ["ReplyTokens:Keys:k1"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["Notifications:TemplateFolder"] = folder.FullName,
            };

            var exit = await GatewayCli.RunAsync(["run"], stdout, stderr, overrides, CancellationToken.None);

            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains("notification.txt.liquid does not parse", stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
