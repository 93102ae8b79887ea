using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using HtmlAgilityPack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// Every link of every mail kind, as a person meets it: the mail goes through Postfix into Dovecot and is read back over
/// IMAP, every link is taken from both parts (and List-Unsubscribe), and each is followed against the web running on
/// Kestrel, signed out first (sent through the mailed sign-in link and back), then as the recipient (the right page or
/// file), then as a user who may not read it (403).
/// </summary>
[Collection(MailServersGroup.Name)]
public sealed partial class MailLinksTests(MailServersFixture servers) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private GatewayHarness _gateway = null!;
    private RunningWeb _web = null!;
    private Title _title = null!;
    private User _pm = null!;
    private User _lea = null!;
    private User _stranger = null!;
    private User _digestReader = null!;

    public async Task InitializeAsync()
    {
        var port = RunningWeb.FreePort();
        var settings = new Dictionary<string, string?> { ["Mail:WebBaseUrl"] = $"http://127.0.0.1:{port}" };
        _gateway = await GatewayHarness.CreateAsync(servers, settings);
        _web = RunningWeb.Start(_gateway.Database, port, new Dictionary<string, string?> { ["Mail:ReplyLocalPart"] = _gateway.LocalPart });
        var world = _gateway.World;
        _title = await world.TitleAsync("fr", "de");
        var lumen = await world.VendorAsync(_title, "fr");
        var other = await world.VendorAsync(_title, "de");
        _pm = await world.UserAsync(UserRole.Pm);
        _lea = await world.UserAsync(UserRole.Vendor, lumen, ["fr"]);
        _stranger = await world.UserAsync(UserRole.Vendor, other, ["de"]);
        _digestReader = await world.UserAsync(UserRole.Cpc);
        await world.SaveAsync(db =>
        {
            db.Follows.AddRange(new[] { _pm, _lea, _stranger, _digestReader }.Select(u => new Follow { UserId = u.Id, TitleId = _title.Id }));
            db.UserSettings.Where(s => s.UserId == _digestReader.Id).ToList().ForEach(s => s.VendorDelivery = DeliveryMode.Digest);
        });
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Notification_EveryLinkOpensForTheRecipient_AfterSigningIn_AndIsRefusedToAStranger()
    {
        var marker = "links" + Guid.NewGuid().ToString("N")[..10];
        var small = "1\n00:00:01,000 --> 00:00:02,000\nBonjour\n"u8.ToArray();
        var large = Enumerable.Range(0, 6 * 1024 * 1024).Select(i => (byte)(i * 31 % 251)).ToArray(); // over the 5 MB attach limit
        var message = await PostAsync(_pm, "vendor-fr", $"Please check reel 2 {marker}", ("reel2.fr.srt", small), ("reel2-master.mov", large));
        await _gateway.SendOutboxAsync();

        var mail = await servers.WaitForMessageAsync(Address(_lea), marker, Wait);
        var links = LinksOf(mail);

        var conversation = Assert.Single(links, l => l.AbsolutePath == $"/titles/{_title.Slug}/vendor-fr");
        Assert.Equal($"#m{message.Id}", conversation.Fragment);
        var files = links.Where(l => l.AbsolutePath.StartsWith("/attachments/", StringComparison.Ordinal)).ToList();
        Assert.Equal(message.Attachments.Select(a => $"/attachments/{a.Id}").Order(), files.Select(f => f.AbsolutePath).Order());
        Assert.Single(links, l => l.AbsolutePath.StartsWith("/unsubscribe/", StringComparison.Ordinal));
        Assert.Single(links, l => l.AbsolutePath == "/settings");
        // Together over the 5 MB attach limit: the files are reachable by their links only.
        Assert.Empty(mail.Attachments);

        using var lea = RunningWeb.Browser();
        await AssertSignedOutLinksAsync(lea, links);
        var landed = await SignInThroughMailAsync(lea, _lea, conversation.PathAndQuery);
        Assert.Contains(marker, landed, StringComparison.Ordinal);

        foreach (var link in links.Where(Protected))
        {
            var response = await lea.GetAsync(link);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link} answered {(int)response.StatusCode} to its recipient");
        }

        Assert.Equal(small, await lea.GetByteArrayAsync(files.Single(f => f.AbsolutePath.EndsWith($"/{message.Attachments[0].Id}", StringComparison.Ordinal))));
        Assert.Equal(large, await lea.GetByteArrayAsync(files.Single(f => f.AbsolutePath.EndsWith($"/{message.Attachments[1].Id}", StringComparison.Ordinal))));
        Assert.Contains(Address(_lea), await lea.GetStringAsync(links.Single(l => l.AbsolutePath == "/settings")), StringComparison.Ordinal);

        using var stranger = RunningWeb.Browser();
        await SignInThroughMailAsync(stranger, _stranger, "/titles");
        foreach (var link in links.Where(l => l.AbsolutePath.StartsWith("/titles/", StringComparison.Ordinal) || l.AbsolutePath.StartsWith("/attachments/", StringComparison.Ordinal)))
        {
            var response = await stranger.GetAsync(link);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{link} answered {(int)response.StatusCode} to a user who may not read it");
            Assert.DoesNotContain(marker, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The unsubscribe link works without signing in, and does what it says: this channel only.
        var unsubscribe = links.Single(l => l.AbsolutePath.StartsWith("/unsubscribe/", StringComparison.Ordinal));
        using var anonymous = RunningWeb.Browser();
        Assert.Contains("Stop mail from", await anonymous.GetStringAsync(unsubscribe), StringComparison.Ordinal);
        using var oneClick = new FormUrlEncodedContent(new Dictionary<string, string> { ["List-Unsubscribe"] = "One-Click" });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync(new Uri(UnsubscribeHeaderUrl(mail)), oneClick)).StatusCode);
        Assert.Equal([message.ChannelId], await _gateway.World.QueryAsync(db => db.ChannelMutes.Where(m => m.UserId == _lea.Id).Select(m => m.ChannelId).ToListAsync()));
    }

    [Fact]
    public async Task Digest_AndTheRejectionOfAReplyToIt_LinkToPagesThatOpen()
    {
        var marker = "digest" + Guid.NewGuid().ToString("N")[..10];
        await PostAsync(_pm, "vendor-fr", $"For the digest {marker}");
        await _gateway.Database.WithAsync(s => s.GetRequiredService<DigestSender>().SendDueAsync(CancellationToken.None));
        await _gateway.SendOutboxAsync();

        var digest = await servers.WaitForMessageAsync(Address(_digestReader), marker, Wait);
        var links = LinksOf(digest);
        Assert.Contains(links, l => l.AbsolutePath == $"/titles/{_title.Slug}/vendor-fr");
        Assert.Contains(links, l => l.AbsolutePath.StartsWith("/unsubscribe/", StringComparison.Ordinal));

        using var reader = RunningWeb.Browser();
        await AssertSignedOutLinksAsync(reader, links);
        await SignInThroughMailAsync(reader, _digestReader, "/titles");
        foreach (var link in links.Where(Protected))
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(link)).StatusCode);
        }

        // A reply to the digest cannot be placed; its rejection names each channel with a link that opens.
        var reply = new MimeMessage();
        reply.From.Add(MailboxAddress.Parse(Address(_digestReader)));
        reply.To.Add(MailboxAddress.Parse(_gateway.GatewayAddress));
        reply.Subject = "Re: " + digest.Subject;
        reply.InReplyTo = digest.MessageId;
        reply.References.Add(digest.MessageId!);
        reply.Body = new TextPart("plain") { Text = "Thanks, noted." };
        await _gateway.SendAsync(reply);
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();
        await _gateway.SendOutboxAsync();
        var rejection = await servers.WaitForMessageAsync(Address(_digestReader), "Not posted:", Wait);
        var rejectionLinks = LinksOf(rejection);
        Assert.Contains(rejectionLinks, l => l.AbsolutePath == $"/titles/{_title.Slug}/vendor-fr");
        foreach (var link in rejectionLinks)
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(link)).StatusCode);
        }
    }

    [Fact]
    public async Task AddedAddress_ConfirmedByItsMailedLink_RepliesFromItArePostedAsTheUser()
    {
        var alternative = $"alt{Guid.NewGuid().ToString("N")[..8]}@clp.test";
        using var lea = RunningWeb.Browser();
        await SignInThroughMailAsync(lea, _lea, "/settings");

        var added = await RunningWeb.PostFormAsync(lea, _web.BaseUrl + "/settings", _web.BaseUrl + "/settings/addresses", new() { ["address"] = alternative });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        await _gateway.SendOutboxAsync();
        var confirmation = await servers.WaitForMessageAsync(
            alternative, "[CLP] " + ClpMailGateway.Outbound.MailTemplates.Shipped.Text(ClpMailGateway.Localization.MailLanguages.ForUser(_lea, "en"), "confirm.subject"), Wait);
        var link = Assert.Single(LinksOf(confirmation), l => l.AbsolutePath.StartsWith("/settings/addresses/verify/", StringComparison.Ordinal));

        // Opened from the other mailbox's client, without the session.
        using var elsewhere = RunningWeb.Browser();
        Assert.Equal(HttpStatusCode.OK, (await RunningWeb.PostFormAsync(elsewhere, link.AbsoluteUri, link.AbsoluteUri, [])).StatusCode);

        // A reply from that address to a notification Léa got is hers now.
        var token = await _gateway.IssueTokenAsync(_lea, World.Channel(_title, "vendor-fr"));
        await _gateway.SendAsync(Mails.Reply(alternative, _gateway.ReplyAddress(token), "Replying from my other address."));
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();
        var posted = Assert.Single(await _gateway.MessagesAsync(World.Channel(_title, "vendor-fr")));
        Assert.Equal((_lea.Id, "Replying from my other address."), (posted.AuthorId, posted.Text));
    }

    /// <summary>Links that need a session: everything but the home page and the capability links (unsubscribe, sign-in,
    /// address confirmation), which work without one.</summary>
    private static bool Protected(Uri link) =>
        link.AbsolutePath != "/" && !link.AbsolutePath.StartsWith("/unsubscribe/", StringComparison.Ordinal)
        && !link.AbsolutePath.StartsWith("/signin/link/", StringComparison.Ordinal) && !link.AbsolutePath.StartsWith("/settings/addresses/verify/", StringComparison.Ordinal);

    /// <summary>Signed out, a protected link goes to sign-in and says where to come back; an unsubscribe link opens.</summary>
    private static async Task AssertSignedOutLinksAsync(HttpClient browser, IReadOnlyList<Uri> links)
    {
        foreach (var link in links)
        {
            var response = await browser.GetAsync(link);
            if (Protected(link))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{link} answered {(int)response.StatusCode} signed out");
                var location = response.Headers.Location!.OriginalString;
                Assert.Contains("/signin?ReturnUrl=" + Uri.EscapeDataString(link.AbsolutePath), location, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }

    /// <summary>Asks for a sign-in link on the web, reads it from the user's mailbox, opens and confirms it: returns the page
    /// the web sends the user back to, which must be <paramref name="returnPath"/>.</summary>
    private async Task<string> SignInThroughMailAsync(HttpClient browser, User user, string returnPath)
    {
        var page = $"{_web.BaseUrl}/signin?ReturnUrl={Uri.EscapeDataString(returnPath)}";
        var handled = _web.SignInRequestsHandled;
        var asked = await RunningWeb.PostFormAsync(browser, page, _web.BaseUrl + "/signin", new() { ["email"] = Address(user), ["returnUrl"] = returnPath });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        await _web.WaitForSignInRequestsAsync(handled + 1);
        await _gateway.SendOutboxAsync();
        // In the user's language (a vendor's first one when they chose none).
        var subject = "[CLP] " + ClpMailGateway.Outbound.MailTemplates.Shipped.Text(
            ClpMailGateway.Localization.MailLanguages.ForUser(user, ClpMailGateway.Localization.MailLanguages.English), "signin.subject");
        var mail = await servers.WaitForMessageAsync(Address(user), subject, Wait);
        var link = Assert.Single(LinksOf(mail), l => l.AbsolutePath.StartsWith("/signin/link/", StringComparison.Ordinal));

        var confirmed = await RunningWeb.PostFormAsync(browser, link.AbsoluteUri, link.AbsoluteUri, []);

        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal(returnPath, confirmed.Headers.Location!.OriginalString);
        var landed = await browser.GetAsync(new Uri(_web.BaseUrl + returnPath));
        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        return await landed.Content.ReadAsStringAsync();
    }

    /// <summary>Every web link in the mail: in its text part, its HTML part (which must hold the same ones) and its
    /// List-Unsubscribe header. Each points at the web.</summary>
    private List<Uri> LinksOf(MimeMessage mail)
    {
        var text = WebLink().Matches(mail.TextBody ?? string.Empty).Select(m => m.Value.TrimEnd('.', ',', ')')).ToHashSet(StringComparer.Ordinal);
        var html = new HashSet<string>(StringComparer.Ordinal);
        if (mail.HtmlBody is { } body)
        {
            var document = new HtmlDocument();
            document.LoadHtml(body);
            foreach (var anchor in document.DocumentNode.SelectNodes("//a[@href]") ?? Enumerable.Empty<HtmlNode>())
            {
                html.Add(WebUtility.HtmlDecode(anchor.GetAttributeValue("href", string.Empty)));
            }

            Assert.Equal(text.Order(StringComparer.Ordinal), html.Order(StringComparer.Ordinal));
        }

        if (mail.Headers["List-Unsubscribe"] is not null)
        {
            text.Add(UnsubscribeHeaderUrl(mail));
        }

        // The footer of the gateway's own mails names the web's address itself: its home page.
        Assert.All(text, link => Assert.True(link == _web.BaseUrl || link.StartsWith(_web.BaseUrl + "/", StringComparison.Ordinal), $"{link} is not a link to the web"));
        return text.Select(link => new Uri(link == _web.BaseUrl ? link + "/" : link)).ToList();
    }

    private static string UnsubscribeHeaderUrl(MimeMessage mail) =>
        mail.Headers["List-Unsubscribe"]!.Split(',').Select(p => p.Trim(' ', '<', '>')).Single(p => p.StartsWith("http", StringComparison.Ordinal));

    private async Task<Message> PostAsync(User author, string channel, string text, params (string Name, byte[] Content)[] files)
    {
        var result = await _gateway.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(_title, channel).Id, text,
                files.Select(f => new NewAttachment(f.Name, "application/octet-stream", new MemoryStream(f.Content))).ToList(), MessageOrigin.Web),
            CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, await _gateway.Database.FanOutAsync());
        return await _gateway.World.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).SingleAsync(m => m.Id == result.Message!.Id));
    }

    private static string Address(User user) => user.Emails[0].Address;

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex WebLink();
}
