using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using ClpMailGateway.Unsubscribe;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace ClpMailGateway.Web.BrowserTests;

[Collection(BrowserTestGroup.Name)]
public sealed partial class WebBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task SignIn_MagicLinkFromTheOutbox_OpensMyTitles()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await BrowserFixture.ScreenshotAsync(page, "01-sign-in");

        await page.GetByLabel("Email address").FillAsync("fr.lea@clp.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mail me a sign-in link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your mail" })).ToBeVisibleAsync();

        // The web writes the link in the background, after the page has answered.
        byte[]? raw = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); raw is null; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "no sign-in mail was written within 30 s");
            raw = await QueryAsync(db => db.OutboundMails.Where(m => m.Purpose == "sign-in" && m.ToAddress == "fr.lea@clp.test")
                .OrderByDescending(m => m.Id).Select(m => m.Raw).FirstOrDefaultAsync());
        }

        var link = LinkPath().Match(MimeMessage.Load(new MemoryStream(raw)).TextBody!).Value;
        await page.GotoAsync(link);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My titles" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Blue Harbor S2")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Léa Martin")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "02-my-titles");
    }

    [Fact]
    public async Task DemoPick_PostWithAttachment_ThenFindItByKeyword()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await SignInByDemoPickAsync(context, "Anna Pérez");
        await page.GetByRole(AriaRole.Link, new() { Name = "Blue Harbor S2" }).ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "03-title");
        await page.GetByRole(AriaRole.Link, new() { Name = "Vendor · Japanese (ja)" }).ClickAsync();

        var word = "kumquat" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true }).FillAsync($"Episode 3 {word}: 字幕の確認をお願いします <b>not bold</b>");
        await page.Locator("input#files").SetInputFilesAsync(new FilePayload { Name = "QC notes ep3.txt", MimeType = "text/plain", Buffer = "timecode 00:41:10"u8.ToArray() });
        await page.GetByRole(AriaRole.Button, new() { Name = "Post" }).ClickAsync();

        var posted = page.Locator("ol.messages > li").First;
        await Assertions.Expect(posted).ToContainTextAsync(word);
        await Assertions.Expect(posted).ToContainTextAsync("<b>not bold</b>");
        await Assertions.Expect(posted.GetByRole(AriaRole.Link, new() { Name = "QC notes ep3.txt" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "04-conversation");

        var download = await page.RunAndWaitForDownloadAsync(() => posted.GetByRole(AriaRole.Link, new() { Name = "QC notes ep3.txt" }).ClickAsync());
        Assert.Equal("QC notes ep3.txt", download.SuggestedFilename);

        await page.GetByLabel("Search this conversation").FillAsync(word);
        await page.GetByLabel("Search this conversation").PressAsync("Enter");
        await Assertions.Expect(page.Locator("mark", new() { HasText = word })).ToBeVisibleAsync();

        await page.GetByLabel("Search this conversation").FillAsync("確認");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "2 results" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("mark", new() { HasText = "確認" }).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "05-search");
    }

    [Fact]
    public async Task Settings_ChangeDeliveryAndLanguages_AreSaved()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await SignInByDemoPickAsync(context, "Ben Okafor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();

        await page.GetByLabel("Broadcast channels").SelectOptionAsync("digest");
        await page.GetByLabel("Japanese").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Broadcast channels")).ToHaveValueAsync("digest");
        await Assertions.Expect(page.GetByLabel("Japanese")).Not.ToBeCheckedAsync();
        await BrowserFixture.ScreenshotAsync(page, "06-settings");
        var ben = await QueryAsync(db => db.UserEmails.Where(e => e.Address == "cpc.ben@clp.test").Select(e => e.User!.Settings!.BroadcastDelivery).SingleAsync());
        Assert.Equal(DeliveryMode.Digest, ben);
    }

    [Fact]
    public async Task Unsubscribe_LinkFromAMail_TurnsOffThatKindWithoutSigningIn()
    {
        var userId = await QueryAsync(db => db.UserEmails.Where(e => e.Address == "de.jonas@clp.test").Select(e => e.UserId).SingleAsync());
        var keys = new ReplyTokenOptions { CurrentKeyId = "t1", Keys = { ["t1"] = TestDatabase.TestTokenKey } };
        var url = UnsubscribeTokenCodec.Url(fixture.BaseUrl, UnsubscribeTokenCodec.Encode(keys, UnsubscribeTarget.ForKind(userId, ChannelKind.Vendor)));
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(url);
        await BrowserFixture.ScreenshotAsync(page, "07-unsubscribe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop this mail" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Unsubscribed" })).ToBeVisibleAsync();
        Assert.Equal(DeliveryMode.Off, await QueryAsync(db => db.UserSettings.Where(s => s.UserId == userId).Select(s => s.VendorDelivery).SingleAsync()));
    }

    [Fact]
    public async Task Conversation_OnAPhone_FitsTheScreenAndIsUsableByKeyboard()
    {
        await using var context = await fixture.NewContextAsync(390, 844);
        var page = await SignInByDemoPickAsync(context, "Yuki Tanaka");
        await page.GotoAsync("/titles/blue-harbor-s2/vendor-ja");

        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        await page.Keyboard.PressAsync("Tab");
        var first = await page.EvaluateAsync<string>("() => document.activeElement.textContent");
        await BrowserFixture.ScreenshotAsync(page, "08-phone-conversation");

        Assert.False(overflow, "the conversation scrolls sideways on a phone");
        Assert.Equal("Skip to content", first);
        await page.GotoAsync("/titles/blue-harbor-s2/internal");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not shared with you" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Kickoff for Blue Harbor S2");
        await BrowserFixture.ScreenshotAsync(page, "09-phone-internal-refused");
    }

    [Fact]
    public async Task Quarantine_Admin_SeesTheList()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await SignInByDemoPickAsync(context, "Anna Pérez");

        await page.GetByRole(AriaRole.Link, new() { Name = "Quarantine" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Quarantine" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "10-quarantine");
    }

    [Fact]
    public async Task Quarantine_NotificationsGivenUp_AdminSeesTheErrorAndRetries()
    {
        // A demo post whose fan-out failed every time (the seeder marks its history notified: this one is made pending again).
        var messageId = await QueryAsync(db => db.Messages.OrderBy(m => m.Id).Select(m => m.Id).FirstAsync());
        await QueryAsync(async db =>
        {
            db.PendingFanouts.Add(new PendingFanout
            {
                MessageId = messageId,
                CreatedAtUtc = DateTime.UtcNow,
                Attempts = ClpMailGateway.Outbound.NotificationFanout.MaxAttempts,
                LastError = "InvalidOperationException: ReplyTokens:CurrentKeyId 'k0' has no usable key.",
            });
            return await db.SaveChangesAsync();
        });
        await using var context = await fixture.NewContextAsync();
        var page = await SignInByDemoPickAsync(context, "Anna Pérez");
        await page.GetByRole(AriaRole.Link, new() { Name = "Quarantine" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications not sent" })).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"message {messageId}" });
        await Assertions.Expect(row).ToContainTextAsync("'k0' has no usable key");
        await BrowserFixture.ScreenshotAsync(page, "11-notifications-not-sent");
        await row.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Message {messageId}: its notifications are queued.");
        await Assertions.Expect(page.GetByText("Every post's notifications are queued.")).ToBeVisibleAsync();
        Assert.False(await QueryAsync(db => db.PendingFanouts.AnyAsync(f => f.MessageId == messageId)));
    }

    [Fact]
    public async Task Post_FileOver10MB_RefusedInTheBrowserBeforeAnythingIsSent()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await SignInByDemoPickAsync(context, "Anna Pérez");
        await page.GetByRole(AriaRole.Link, new() { Name = "Blue Harbor S2" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Vendor · Japanese (ja)" }).ClickAsync();
        var posts = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                posts.Add(request.Url);
            }
        };

        var word = "oversize" + Guid.NewGuid().ToString("N")[..6];
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true }).FillAsync($"Master reel {word}");
        await page.Locator("input#files").SetInputFilesAsync(new FilePayload { Name = "master reel.mov", MimeType = "video/quicktime", Buffer = new byte[11 * 1024 * 1024] });
        var error = page.Locator("#files-error");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).ToContainTextAsync("“master reel.mov” is 11.0 MB, over the limit of 10 MB per file");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post" }).ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "10-file-too-large");

        await Assertions.Expect(error).ToBeVisibleAsync();
        Assert.Empty(posts);
        Assert.False(await QueryAsync(db => db.Messages.AnyAsync(m => m.Text.Contains(word))));
        // The text stays in the form to post again with a smaller file.
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true })).ToHaveValueAsync($"Master reel {word}");

        await page.Locator("input#files").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "reel 2"u8.ToArray() });
        await Assertions.Expect(error).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Post" }).ClickAsync();
        await Assertions.Expect(page.Locator("ol.messages > li").First).ToContainTextAsync(word);
        Assert.Single(posts);
    }

    [Fact]
    public async Task Arabic_OnAPhone_IsRightToLeftWithoutSidewaysScroll()
    {
        await using var context = await fixture.NewContextAsync(390, 844, "ar-EG");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yuki Tanaka" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "أعمالي" })).ToBeVisibleAsync();

        var problems = new List<string>();
        var pages = new[] { ("/", "home"), ("/titles/blue-harbor-s2", "title"), ("/titles/blue-harbor-s2/vendor-ja", "conversation"), ("/settings", "settings") };
        foreach (var (path, name) in pages)
        {
            await page.GotoAsync(path);
            var dir = await page.EvaluateAsync<string>("() => document.documentElement.dir");
            var lang = await page.EvaluateAsync<string>("() => document.documentElement.lang");
            var sideways = await page.EvaluateAsync<int[]>("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]");
            // Mirrored: the brand sits at the right end of the header, the skip link's hiding place is off the right edge.
            var brandRight = await page.EvaluateAsync<double>("() => document.querySelector('.brand').getBoundingClientRect().right");
            await BrowserFixture.ScreenshotAsync(page, $"12-arabic-{name}");
            if (dir != "rtl" || lang != "ar")
            {
                problems.Add($"{path}: <html lang={lang} dir={dir}>");
            }

            if (sideways[0] > sideways[1])
            {
                problems.Add($"{path}: scrolls sideways ({sideways[0]} px of content in {sideways[1]} px)");
            }

            if (brandRight < 390 * 0.75)
            {
                problems.Add($"{path}: the brand ends at {brandRight} px, not at the right");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "حفظ الإعدادات" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Settings_LanguageChosen_ThePagesFollowIt()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await SignInByDemoPickAsync(context, "Chiara Rossi");
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();

        await page.GetByLabel("Language", new() { Exact = true }).SelectOptionAsync("he");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Assertions.Expect(page.GetByText("ההגדרות נשמרו.")).ToBeVisibleAsync();
        Assert.Equal("rtl", await page.EvaluateAsync<string>("() => document.documentElement.dir"));
        await page.GetByLabel("שפה", new() { Exact = true }).SelectOptionAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "שמירת ההגדרות" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();
    }

    internal static async Task<IPage> SignInByDemoPickAsync(IBrowserContext context, string name)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = name }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My titles" })).ToBeVisibleAsync();
        return page;
    }

    private async Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query)
    {
        await using var scope = fixture.Database.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<GatewayDbContext>());
    }

    [GeneratedRegex(@"/signin/link/[A-Za-z0-9_-]{43}")]
    private static partial Regex LinkPath();
}
