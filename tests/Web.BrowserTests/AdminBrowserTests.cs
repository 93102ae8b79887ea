using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;

namespace ClpMailGateway.Web.BrowserTests;

/// <summary>An admin sets up a title on the admin pages; what a vendor user sees follows, and a language taken away
/// closes its channel on the web and to replies by mail at once.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class AdminBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_AssignsTwoLanguagesThenRemovesOne_VendorSeesExactlyThoseAndAReplyToTheRemovedIsRefused()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var slug = $"harbor-{id}";
        await using var adminContext = await fixture.NewContextAsync();
        var admin = await WebBrowserTests.SignInByDemoPickAsync(adminContext, "Anna Pérez");

        await admin.GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await admin.GetByLabel("Name").FillAsync($"Harbor Lights {id}");
        await admin.GetByLabel("Slug").FillAsync(slug);
        await admin.GetByLabel("Languages").FillAsync("fr de es");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create title" }).ClickAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = $"Harbor Lights {id}" }).ClickAsync();
        await admin.GetByLabel("Vendor").SelectOptionAsync(new SelectOptionValue { Label = "Lumen Subtitles" });
        await admin.GetByLabel("Languages (of this title's)").FillAsync("fr de");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Assign" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved.");
        var titlePage = admin.Url;

        await admin.GotoAsync("/admin/users");
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync($"Mika {id}");
        await admin.GetByLabel("Addresses (the first is the primary)").FillAsync($"mika-{id}@clp.test");
        await admin.GetByLabel("Role").SelectOptionAsync("vendor");
        await admin.GetByLabel("Vendor (vendor users only)").SelectOptionAsync(new SelectOptionValue { Label = "Lumen Subtitles" });
        await admin.GetByLabel("Languages").FillAsync("fr de es");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved.");
        await BrowserFixture.ScreenshotAsync(admin, "20-admin-users");

        await using var vendorContext = await fixture.NewContextAsync();
        var vendor = await WebBrowserTests.SignInByDemoPickAsync(vendorContext, $"Mika {id}");
        Assert.Equal(["Broadcast", "Vendor · French (fr)", "Vendor · German (de)"], await ChannelsAsync(vendor, slug));
        var (userId, germanId) = await QueryAsync(async db => (
            await db.Users.Where(u => u.Name == $"Mika {id}").Select(u => u.Id).SingleAsync(),
            await db.Channels.Where(c => c.Title!.Slug == slug && c.Key == "vendor-de").Select(c => c.Id).SingleAsync()));
        var token = await fixture.Database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(userId, germanId, CancellationToken.None));

        await admin.GotoAsync(titlePage);
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Lumen Subtitles" });
        await row.GetByLabel("Languages").FillAsync("fr");
        await row.GetByLabel("Primary").FillAsync(string.Empty);
        await row.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved.");
        await BrowserFixture.ScreenshotAsync(admin, "21-admin-title");

        Assert.Equal(["Broadcast", "Vendor · French (fr)"], await ChannelsAsync(vendor, slug));
        var german = await vendor.GotoAsync($"/titles/{slug}/vendor-de");
        Assert.Equal(403, german!.Status);

        var reply = await ThreadAsync(Reply($"mika-{id}@clp.test", token, "Die deutsche Fassung ist fertig."));
        Assert.Equal((InboundStatus.Rejected, "permission_denied"), (reply.Status, reply.Reason));
        Assert.Equal(0, await QueryAsync(db => db.Messages.CountAsync(m => m.ChannelId == germanId)));
    }

    /// <summary>The channels the title's page links to, as the user sees them.</summary>
    private static async Task<List<string>> ChannelsAsync(IPage page, string slug)
    {
        await page.GotoAsync($"/titles/{slug}");
        var links = page.Locator($"main a[href^='/titles/{slug}/'] .name");
        return (await links.AllInnerTextsAsync()).Select(t => t.Trim()).Order(StringComparer.Ordinal).ToList();
    }

    private async Task<T> QueryAsync<T>(Func<GatewayDbContext, Task<T>> query)
    {
        await using var scope = fixture.Database.Scope();
        return await query(scope.ServiceProvider.GetRequiredService<GatewayDbContext>());
    }

    /// <summary>Stores the mail as the IMAP poll does and threads it (the real Dovecot path is InboundPipelineTests' and
    /// AdministrationIngestTests').</summary>
    private async Task<InboundMail> ThreadAsync(byte[] raw)
    {
        var stored = await fixture.Database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(Random.Shared.NextInt64(1, long.MaxValue / 2), raw)], CancellationToken.None));
        await fixture.Database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored.Select(r => r.Mail).ToList(), CancellationToken.None));
        return await QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[0].Mail.Id));
    }

    private static byte[] Reply(string from, string token, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse($"reply+{token}@clp.test"));
        message.Subject = "Re: German";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        message.Body = new TextPart("plain") { Text = text + "\n" };
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return buffer.ToArray();
    }
}
