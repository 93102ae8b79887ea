using System.Text;
using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>What an admin's change does to replies already on their way: tokens issued before the change, replies sent
/// through the real Postfix, delivered by Dovecot, polled by the gateway over IMAP.</summary>
[Collection(MailServersGroup.Name)]
public sealed class AdministrationIngestTests(MailServersFixture servers) : IAsyncLifetime
{
    private static readonly ApplyOptions AdminOptions = new(DryRun: false, MayChangeRoles: true, RequireExternalIds: false);
    private GatewayHarness _gateway = null!;
    private Title _title = null!;
    private Vendor _lumen = null!;
    private User _fr = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers);
        _title = await _gateway.World.TitleAsync("fr", "de");
        _lumen = await _gateway.World.VendorAsync(_title, "fr", "de");
        _fr = await _gateway.World.UserAsync(UserRole.Vendor, _lumen, ["fr", "de"]);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private async Task ApplyAsync(SyncDocument document)
    {
        var result = await _gateway.Database.WithAsync(s => s.GetRequiredService<AdministrationService>()
            .ApplyAsync(document, new Actor("user", null, "admin@clp.test"), AdminOptions, CancellationToken.None));
        Assert.Empty(result.Errors);
        Assert.NotEmpty(result.Changes);
    }

    private async Task<MimeMessage> ReplyAsync(string channel, string text)
    {
        var token = await _gateway.IssueTokenAsync(_fr, World.Channel(_title, channel));
        return Mails.Reply(_fr.Emails[0].Address, _gateway.ReplyAddress(token), text);
    }

    private async Task DeliverAndPollAsync(params MimeMessage[] mails)
    {
        foreach (var mail in mails)
        {
            await _gateway.SendAsync(mail);
        }

        await _gateway.WaitForInboxAsync(mails.Length);
        await _gateway.PollAsync();
    }

    [Fact]
    public async Task LanguageRemovedFromAssignment_ReplyWithTokenIssuedBefore_IsRefused()
    {
        var french = await ReplyAsync("vendor-fr", "Is the French cut locked?");
        var german = await ReplyAsync("vendor-de", "The German cut is fine.");
        await ApplyAsync(new SyncDocument { Assignments = [new AssignmentRow { VendorId = _lumen.Id, TitleId = _title.Id, Languages = ["de"] }] });

        await DeliverAndPollAsync(french, german);

        var inbound = await _gateway.InboundAsync();
        var refused = Assert.Single(inbound, m => m.Status == InboundStatus.Rejected);
        Assert.Equal("permission_denied", refused.Reason);
        Assert.Contains("not assigned fr", refused.ReasonDetail, StringComparison.Ordinal);
        Assert.Empty(await _gateway.MessagesAsync(World.Channel(_title, "vendor-fr")));
        Assert.Equal("The German cut is fine.", Assert.Single(await _gateway.MessagesAsync(World.Channel(_title, "vendor-de"))).Text);
        var rejection = Assert.Single(await _gateway.OutboxAsync(), m => m.Purpose == "rejection");
        Assert.Equal(_fr.Emails[0].Address, rejection.ToAddress);
    }

    [Fact]
    public async Task ArchivedTitle_Replies_RefusedWithOneClearRejection()
    {
        var first = await ReplyAsync("vendor-fr", "Before the archive.");
        var second = await ReplyAsync("vendor-de", "Also before the archive.");
        await ApplyAsync(new SyncDocument { Titles = [new TitleRow { Id = _title.Id, Archived = true }] });

        await DeliverAndPollAsync(first, second);

        var inbound = await _gateway.InboundAsync();
        Assert.Equal(2, inbound.Count);
        Assert.All(inbound, m => Assert.Equal(("title_archived", InboundStatus.Rejected), (m.Reason, m.Status)));
        Assert.Empty(await _gateway.MessagesAsync(World.Channel(_title, "vendor-fr")));
        // Rate-limited like every rejection: one mail per reason a day to an address.
        var rejection = Assert.Single(await _gateway.OutboxAsync(), m => m.Purpose == "rejection");
        // In the language of the vendor told (their first), read from the HTML part's lang.
        var told = await MimeMessage.LoadAsync(new MemoryStream(rejection.Raw));
        var language = System.Text.RegularExpressions.Regex.Match(told.HtmlBody!, "<html lang=\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains(language, new[] { "fr", "de" });
        Assert.Equal("title_archived", told.Headers["X-CLP-Reject-Reason"]);
        var templates = ClpMailGateway.Outbound.MailTemplates.Shipped;
        Assert.Contains(templates.Text(language, "reason.title_archived", ("title", _title.Name)), told.TextBody, StringComparison.Ordinal);
        Assert.Contains(templates.Text(language, "reason.title_archived_advice"), told.TextBody, StringComparison.Ordinal);
    }
}
