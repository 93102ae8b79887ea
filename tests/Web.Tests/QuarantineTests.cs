using System.Net;
using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Tokens;
using ClpMailGateway.Web.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.Web.Tests;

public sealed class QuarantineTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private Title _title = null!;
    private User _admin = null!;
    private User _pm = null!;
    private long _mailId;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _title = await _app.World.TitleAsync("fr");
        _admin = await _app.World.UserAsync(UserRole.Pm);
        await _app.World.SaveAsync(db => db.Users.Where(u => u.Id == _admin.Id).ToList().ForEach(u => u.IsAdmin = true));
        _pm = await _app.World.UserAsync(UserRole.Pm);

        // A reply from the PM that was quarantined (say the sender check was misconfigured then); it is fine now.
        var channel = ClpMailGateway.TestSupport.World.Channel(_title, "broadcast");
        string token;
        await using (var scope = _app.Database.Scope())
        {
            token = await scope.ServiceProvider.GetRequiredService<ReplyTokenService>().IssueAsync(_pm.Id, channel.Id, CancellationToken.None);
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse($"{_pm.Handle}@clp.test"));
        message.To.Add(MailboxAddress.Parse($"reply+{token}@clp.test"));
        message.Subject = "Re: <b>locked</b> cut";
        message.MessageId = $"{Guid.NewGuid():N}@client.test";
        message.Body = new TextPart("plain") { Text = "Replayed reply <script>alert(1)</script>" };
        using var buffer = new MemoryStream();
        await message.WriteToAsync(buffer);
        var raw = buffer.ToArray();
        var row = new InboundMail
        {
            Mailbox = "INBOX", UidValidity = 1, Uid = 7, MessageId = message.MessageId, Sha256 = Convert.ToHexStringLower(SHA256.HashData(raw)),
            Raw = raw, SizeBytes = raw.Length, FromAddress = $"{_pm.Handle}@clp.test", Subject = message.Subject, ReceivedAtUtc = DateTime.UtcNow,
            Status = InboundStatus.Rejected, Kind = "reply", Reason = "sender_mismatch", ReasonDetail = "The sender <x> is not the token's user.",
            Trace = "[{\"at\":\"2026-11-27T09:00:00Z\",\"step\":\"rejected\",\"detail\":\"sender_mismatch\"}]",
        };
        await _app.World.SaveAsync(db => db.InboundMails.Add(row));
        _mailId = row.Id;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task List_Admin_ShowsReasonSenderAndEncodedSubject()
    {
        using var client = await _app.SignedInAsync(_admin);

        var html = await client.GetStringAsync(new Uri("/quarantine", UriKind.Relative));
        var detail = await client.GetStringAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative));

        Assert.Contains("sender_mismatch", html, StringComparison.Ordinal);
        Assert.Contains(">1 rejected mail</caption>", html, StringComparison.Ordinal);
        Assert.Contains($"{_pm.Handle}@clp.test", html, StringComparison.Ordinal);
        Assert.Contains("Re: &lt;b&gt;locked&lt;/b&gt; cut", html, StringComparison.Ordinal);
        Assert.Contains("The sender &lt;x&gt; is not the token&#x27;s user.", detail, StringComparison.Ordinal);
        Assert.Contains("rejected: sender_mismatch", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detail_AfterAReplay_ShowsTheTraceIdTheMailWasThreadedUnder()
    {
        using var client = await _app.SignedInAsync(_admin);
        var before = await client.GetStringAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative));

        await WebApp.PostFormAsync(client, $"/quarantine/{_mailId}", $"/quarantine/{_mailId}/replay", new() { ["confirm"] = "yes" });
        var after = await client.GetStringAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative));

        Assert.DoesNotContain("Trace ID", before, StringComparison.Ordinal); // its stored trace names none
        var trace = await _app.QueryAsync(db => db.InboundMails.Where(m => m.Id == _mailId).Select(m => m.Trace).SingleAsync());
        var traceId = ClpMailGateway.Telemetry.InboundJourneys.StoredTraceId(trace);
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        Assert.Contains($"<dt>Trace ID</dt><dd><code>{traceId}</code></dd>", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_Admin_DownloadsPlainText()
    {
        using var client = await _app.SignedInAsync(_admin);

        var response = await client.GetAsync(new Uri($"/quarantine/{_mailId}/raw", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains("Replayed reply <script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_Admin_PostsTheMail()
    {
        using var client = await _app.SignedInAsync(_admin);

        var response = await WebApp.PostFormAsync(client, $"/quarantine/{_mailId}", $"/quarantine/{_mailId}/replay", new() { ["confirm"] = "yes" });
        var after = await client.GetStringAsync(new Uri(response.Headers.Location!.OriginalString, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mail = await _app.QueryAsync(db => db.InboundMails.SingleAsync(m => m.Id == _mailId));
        Assert.Equal(InboundStatus.Posted, mail.Status);
        Assert.Contains("Replayed: posted as message", after, StringComparison.Ordinal);
        Assert.Equal(1, await _app.QueryAsync(db => db.Messages.CountAsync(m => m.Origin == MessageOrigin.Email)));
    }

    [Fact]
    public async Task Detail_RawRemovedByRetention_SaysWhenAndOffersNoDownloadReplayOrPost()
    {
        using var client = await _app.SignedInAsync(_admin);
        // Resolved (replayed and posted) 31 days ago, then the retention job ran.
        await WebApp.PostFormAsync(client, $"/quarantine/{_mailId}", $"/quarantine/{_mailId}/replay", new() { ["confirm"] = "yes" });
        await _app.World.SaveAsync(db => db.InboundMails.Where(m => m.Id == _mailId).ToList().ForEach(m => m.ProcessedAtUtc = DateTime.UtcNow.AddDays(-31)));
        var removed = await _app.Database.WithAsync(s => s.GetRequiredService<ClpMailGateway.Retention.RetentionService>().RunAsync(CancellationToken.None));
        var on = (await _app.QueryAsync(db => db.InboundMails.Where(m => m.Id == _mailId).Select(m => m.RawRemovedAtUtc).SingleAsync()))!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var detail = await client.GetAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative));
        var html = await detail.Content.ReadAsStringAsync();
        var raw = await client.GetAsync(new Uri($"/quarantine/{_mailId}/raw", UriKind.Relative));
        var post = await WebApp.PostFormAsync(client, $"/quarantine/{_mailId}", $"/quarantine/{_mailId}/post", new() { ["channel"] = "broadcast" });

        Assert.Equal(1, removed.InboundRaw);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Contains($"Raw mail removed by retention on {on}.", html, StringComparison.Ordinal);
        Assert.Contains("rejected: sender_mismatch", html, StringComparison.Ordinal); // the trace stays
        Assert.DoesNotContain($"/quarantine/{_mailId}/raw", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"/quarantine/{_mailId}/post", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, raw.StatusCode);
        Assert.Contains($"Raw mail removed by retention on {on}.", await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, post.StatusCode);
        Assert.Equal(1, await _app.QueryAsync(db => db.Messages.CountAsync(m => m.Origin == MessageOrigin.Email)));
    }

    [Fact]
    public async Task Replay_IgnoredMailWhoseRawWasRemoved_GoneSayingWhen()
    {
        using var client = await _app.SignedInAsync(_admin);
        var removedAt = new DateTime(2026, 11, 3, 8, 0, 0, DateTimeKind.Utc);
        await _app.World.SaveAsync(db => db.InboundMails.Where(m => m.Id == _mailId).ToList().ForEach(m => (m.Status, m.RawRemovedAtUtc, m.Raw) = (InboundStatus.Ignored, removedAt, [])));

        var page = await client.GetStringAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative));
        var replay = await WebApp.PostFormAsync(client, "/quarantine", $"/quarantine/{_mailId}/replay", new() { ["confirm"] = "yes" });

        Assert.DoesNotContain($"/quarantine/{_mailId}/replay", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.Contains("Raw mail removed by retention on 2026-11-03.", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(InboundStatus.Ignored, await _app.QueryAsync(db => db.InboundMails.Where(m => m.Id == _mailId).Select(m => m.Status).SingleAsync()));
    }

    [Fact]
    public async Task StuckNotifications_Admin_SeesTheErrorAndRetries_NotAdminCannot()
    {
        var messageId = await GivenUpPostAsync("InvalidOperationException: the key <k2> is gone");
        using var admin = await _app.SignedInAsync(_admin);
        using var pm = await _app.SignedInAsync(_pm);

        var html = await admin.GetStringAsync(new Uri("/quarantine", UriKind.Relative));
        var refused = await WebApp.PostFormAsync(pm, "/titles", $"/quarantine/notifications/{messageId}/retry", []);

        Assert.Contains("Notifications not sent", html, StringComparison.Ordinal);
        Assert.Contains("the key &lt;k2&gt; is gone", html, StringComparison.Ordinal);
        Assert.Contains($"/titles/{_title.Slug}/broadcast#m{messageId}", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(1, await _app.QueryAsync(db => db.PendingFanouts.CountAsync()));

        var response = await WebApp.PostFormAsync(admin, "/quarantine", $"/quarantine/notifications/{messageId}/retry", []);
        var after = await admin.GetStringAsync(new Uri(response.Headers.Location!.OriginalString, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await _app.QueryAsync(db => db.PendingFanouts.CountAsync()));
        Assert.Contains($"Message {messageId}: its notifications are queued.", after, StringComparison.Ordinal);
        Assert.Contains("Every post&#x27;s notifications are queued.", after, StringComparison.Ordinal);
        var again = await WebApp.PostFormAsync(admin, "/quarantine", $"/quarantine/notifications/{messageId}/retry", []);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    /// <summary>A post whose notifications every fan-out failed to render, as the fan-out leaves it.</summary>
    private async Task<long> GivenUpPostAsync(string error)
    {
        long id;
        await using (var scope = _app.Database.Scope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<ClpMailGateway.Posting.MessagePoster>().PostAsync(
                new ClpMailGateway.Posting.PostRequest(_pm.Id, ClpMailGateway.TestSupport.World.Channel(_title, "broadcast").Id, "the new locked cut", [], MessageOrigin.Web),
                CancellationToken.None);
            Assert.True(result.Succeeded, result.Error?.Message);
            id = result.Message!.Id;
        }

        await _app.World.SaveAsync(db =>
        {
            var pending = db.PendingFanouts.Single(f => f.MessageId == id);
            pending.Attempts = ClpMailGateway.Outbound.NotificationFanout.MaxAttempts;
            pending.LastError = error;
        });
        return id;
    }

    [Theory]
    [InlineData("/quarantine")]
    [InlineData("/quarantine/{0}")]
    [InlineData("/quarantine/{0}/raw")]
    public async Task Pages_NotAdmin_AreNotFound(string path)
    {
        using var client = await _app.SignedInAsync(_pm);

        var response = await client.GetAsync(new Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, path, _mailId), UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("sender_mismatch", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Quarantine</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostTo_Admin_MovesTheReplyToAChannelTheSenderMayPostTo()
    {
        await KnownSenderAsync();
        var vendor = await _app.World.UserAsync(UserRole.Vendor, await _app.World.VendorAsync(_title, "fr"), ["fr"]);
        using var client = await _app.SignedInAsync(_admin);

        var detail = await client.GetStringAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative));
        var response = await WebApp.PostFormAsync(client, $"/quarantine/{_mailId}", $"/quarantine/{_mailId}/post", new() { ["channel"] = "vendor-fr" });

        Assert.Contains("<option value=\"vendor-fr\">Vendor · French (fr)</option>", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var mail = await _app.QueryAsync(db => db.InboundMails.SingleAsync(m => m.Id == _mailId));
        Assert.Equal(InboundStatus.Posted, mail.Status);
        var posted = await _app.QueryAsync(db => db.Messages.SingleAsync(m => m.Id == mail.PostedMessageId));
        Assert.Equal((ClpMailGateway.TestSupport.World.Channel(_title, "vendor-fr").Id, _pm.Id), (posted.ChannelId, posted.AuthorId));
        _ = vendor;
    }

    [Fact]
    public async Task PostTo_ChannelTheSenderMayNotPostTo_IsRefusedAndChangesNothing()
    {
        await KnownSenderAsync();
        await _app.World.SaveAsync(db => db.UserSettings.Where(s => s.UserId == _pm.Id).ToList().ForEach(s => s.InternalMessagesEnabled = false));
        using var client = await _app.SignedInAsync(_admin);

        var response = await WebApp.PostFormAsync(client, $"/quarantine/{_mailId}", $"/quarantine/{_mailId}/post", new() { ["channel"] = "internal" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(InboundStatus.Rejected, await _app.QueryAsync(db => db.InboundMails.Where(m => m.Id == _mailId).Select(m => m.Status).SingleAsync()));
    }

    [Fact]
    public async Task PostTo_NotAdmin_ChangesNothing()
    {
        await KnownSenderAsync();
        using var client = await _app.SignedInAsync(_pm);

        var response = await WebApp.PostFormAsync(client, "/titles", $"/quarantine/{_mailId}/post", new() { ["channel"] = "broadcast" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(InboundStatus.Rejected, await _app.QueryAsync(db => db.InboundMails.Where(m => m.Id == _mailId).Select(m => m.Status).SingleAsync()));
    }

    [Fact]
    public async Task Detail_UnknownSender_OffersNoPostTo()
    {
        using var client = await _app.SignedInAsync(_admin);

        Assert.DoesNotContain("Post to…", await client.GetStringAsync(new Uri($"/quarantine/{_mailId}", UriKind.Relative)), StringComparison.Ordinal);
    }

    /// <summary>The quarantined reply's token was verified: its user and channel are known, as the threader records them.</summary>
    private Task KnownSenderAsync() =>
        _app.World.SaveAsync(db => db.InboundMails.Where(m => m.Id == _mailId).ToList().ForEach(m =>
        {
            m.UserId = _pm.Id;
            m.ChannelId = ClpMailGateway.TestSupport.World.Channel(_title, "broadcast").Id;
        }));

    [Fact]
    public async Task Replay_NotAdmin_ChangesNothing()
    {
        using var client = await _app.SignedInAsync(_pm);

        var response = await WebApp.PostFormAsync(client, "/titles", $"/quarantine/{_mailId}/replay", new() { ["confirm"] = "yes" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(InboundStatus.Rejected, await _app.QueryAsync(db => db.InboundMails.Where(m => m.Id == _mailId).Select(m => m.Status).SingleAsync()));
    }
}

public sealed class QuarantineCaptionTests
{
    [Theory]
    [InlineData(1, 1, "1 rejected mail")]
    [InlineData(2, 2, "2 rejected mails")]
    [InlineData(200, 200, "200 rejected mails")]
    [InlineData(200, 1234, "The newest 200 of 1,234 rejected mails")]
    public void Caption_ListedAndTotal_SaysHowManyAndWhich(int listed, int total, string expected)
    {
        var english = System.Globalization.CultureInfo.GetCultureInfo("en");
        (System.Globalization.CultureInfo.CurrentCulture, System.Globalization.CultureInfo.CurrentUICulture) = (english, english);
        var localizers = new Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Localization.LocalizationOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Assert.Equal(expected, ClpMailGateway.Web.Quarantine.QuarantineEndpoints.Caption(listed, total).In(localizers));
    }
}
