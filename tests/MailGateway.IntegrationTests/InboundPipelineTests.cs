using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>Replies sent with MailKit through the real Postfix, delivered by Dovecot, polled by the gateway over IMAP.</summary>
[Collection(MailServersGroup.Name)]
public sealed class InboundPipelineTests(MailServersFixture servers) : IAsyncLifetime
{
    private GatewayHarness _gateway = null!;
    private Title _title = null!;
    private Vendor _lumen = null!;
    private User _pm = null!;
    private User _fr = null!;
    private User _frDe = null!;
    private User _ja = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers);
        var world = _gateway.World;
        _title = await world.TitleAsync("fr", "de", "ja");
        _lumen = await world.VendorAsync(_title, "fr", "de");
        var kaiju = await world.VendorAsync(_title, "ja");
        _pm = await world.UserAsync(UserRole.Pm);
        _fr = await world.UserAsync(UserRole.Vendor, _lumen, ["fr"]);
        _frDe = await world.UserAsync(UserRole.Vendor, _lumen, ["fr", "de"]);
        _ja = await world.UserAsync(UserRole.Vendor, kaiju, ["ja"]);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private Channel Ch(string key) => World.Channel(_title, key);

    private static string Address(User user) => user.Emails[0].Address;

    private async Task<MimeMessage> ReplyAsync(User from, string channel, string text, params (string, byte[])[] files)
    {
        var token = await _gateway.IssueTokenAsync(from, Ch(channel));
        return Mails.Reply(Address(from), _gateway.ReplyAddress(token), text, files);
    }

    private async Task<PollSummary> DeliverAndPollAsync(params MimeMessage[] mails)
    {
        foreach (var mail in mails)
        {
            await _gateway.SendAsync(mail);
        }

        await _gateway.WaitForInboxAsync(mails.Length);
        return await _gateway.PollAsync();
    }

    [Fact]
    public async Task VendorReply_PostsOnceInTheirChannel_AsThem_TrimmedWithAttachment()
    {
        var file = Encoding.UTF8.GetBytes("1\n00:00:01,000 --> 00:00:02,000\nBonjour\n");
        var reply = await ReplyAsync(_fr, "vendor-fr", "Le timing est corrigé, voir le fichier.", ("ep2.fr.srt", file));

        var summary = await DeliverAndPollAsync(reply);

        Assert.Equal(1, summary.Posted);
        var message = Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr")));
        Assert.Equal(_fr.Id, message.AuthorId);
        Assert.Equal(MessageOrigin.Email, message.Origin);
        Assert.Equal("Le timing est corrigé, voir le fichier.", message.Text);
        Assert.Equal(reply.MessageId, message.SourceMessageId);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("ep2.fr.srt", attachment.FileName);
        Assert.Equal(file, attachment.Content);
        Assert.Equal(0, await servers.CountAsync(_gateway.GatewayAddress, "INBOX"));
        Assert.Equal(1, await servers.CountAsync(_gateway.GatewayAddress, "Processed"));
        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(InboundStatus.Posted, inbound.Status);
        Assert.Contains("\"step\":\"posted\"", inbound.Trace, StringComparison.Ordinal);
        Assert.Contains("\"step\":\"moved\",\"detail\":\"moved to Processed\"", inbound.Trace, StringComparison.Ordinal);
        Assert.NotNull(inbound.MovedAtUtc);
    }

    [Fact]
    public async Task InternalUserReply_PostsInInternal()
    {
        var summary = await DeliverAndPollAsync(await ReplyAsync(_pm, "internal", "Escalated to the vendor."));

        Assert.Equal(1, summary.Posted);
        Assert.Equal("Escalated to the vendor.", Assert.Single(await _gateway.MessagesAsync(Ch("internal"))).Text);
    }

    [Fact]
    public async Task ForgedToken_IsQuarantined_AndSenderToldOnceWithTheirText()
    {
        var forged = "t1_" + Base32.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));
        var reply = Mails.Reply(Address(_fr), _gateway.ReplyAddress(forged), "My answer that must not be lost.");

        var summary = await DeliverAndPollAsync(reply);
        await _gateway.SendOutboxAsync();

        Assert.Equal(1, summary.Rejected);
        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal("invalid_token", inbound.Reason);
        Assert.Equal(1, await servers.CountAsync(_gateway.GatewayAddress, "Rejected"));
        // Told in French, the vendor's first language, with the reason's code in its header.
        var french = ClpMailGateway.Outbound.MailTemplates.Shipped;
        var told = await servers.WaitForMessageAsync(Address(_fr), "[CLP] " + french.Text("fr", "rejection.subject", ("subject", reply.Subject!)), TimeSpan.FromSeconds(20));
        Assert.Equal("auto-replied", told.Headers["Auto-Submitted"]);
        Assert.Equal("invalid_token", told.Headers["X-CLP-Reject-Reason"]);
        Assert.Equal(reply.MessageId, told.InReplyTo);
        Assert.Contains("> My answer that must not be lost.", told.TextBody, StringComparison.Ordinal);
        Assert.Contains(french.Text("fr", "reason.invalid_token"), told.TextBody, StringComparison.Ordinal);
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
    }

    [Fact]
    public async Task TamperedToken_IsQuarantined()
    {
        var token = await _gateway.IssueTokenAsync(_fr, Ch("vendor-fr"));
        // A character inside the signed bytes, not the last one: that one also carries base32 padding bits, and
        // changing only those makes the token malformed rather than forged.
        var at = token.Length - 5;
        var tampered = token[..at] + (token[at] == 'a' ? 'b' : 'a') + token[(at + 1)..];

        await DeliverAndPollAsync(Mails.Reply(Address(_fr), _gateway.ReplyAddress(tampered), "hello"));

        Assert.Equal("invalid_token", Assert.Single(await _gateway.InboundAsync()).Reason);
    }

    [Fact]
    public async Task TokenInUpperCase_StillWorks()
    {
        // Some servers change the case of local parts.
        var token = await _gateway.IssueTokenAsync(_fr, Ch("vendor-fr"));

        var summary = await DeliverAndPollAsync(Mails.Reply(Address(_fr), _gateway.ReplyAddress(token.ToUpperInvariant()), "Upper case"));

        Assert.Equal(1, summary.Posted);
    }

    [Fact]
    public async Task RevokedToken_IsQuarantined()
    {
        var reply = await ReplyAsync(_fr, "vendor-fr", "After revocation");
        await _gateway.Database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().RevokeUserAsync(_fr.Id, CancellationToken.None));

        await DeliverAndPollAsync(reply);

        Assert.Equal("revoked_token", Assert.Single(await _gateway.InboundAsync()).Reason);
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
    }

    [Fact]
    public async Task SenderMismatch_IsHeld_ThenReplayedAfterAddressAdded()
    {
        var token = await _gateway.IssueTokenAsync(_fr, Ch("vendor-fr"));
        var other = $"private-{Guid.NewGuid():N}@clp.test";

        await DeliverAndPollAsync(Mails.Reply(other, _gateway.ReplyAddress(token), "From my other address"));
        var held = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal("sender_mismatch", held.Reason);
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));

        await _gateway.World.SaveAsync(db => db.UserEmails.Add(new UserEmail { UserId = _fr.Id, Address = other, VerifiedAtUtc = DateTime.UtcNow }));
        var cli = new Cli(_gateway.Database);
        var replay = await cli.RunWithSettingsAsync(GatewaySettings(), "quarantine", "replay", held.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, replay.ExitCode);
        Assert.Equal("From my other address", Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr"))).Text);
    }

    [Fact]
    public async Task VendorWhoLostAssignment_IsRefused()
    {
        var reply = await ReplyAsync(_fr, "vendor-fr", "Still on it?");
        await _gateway.World.SaveAsync(db => db.VendorAssignments.RemoveRange(db.VendorAssignments.Where(a => a.VendorId == _lumen.Id && a.Language == "fr")));

        await DeliverAndPollAsync(reply);

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal("permission_denied", inbound.Reason);
        Assert.Contains("not assigned fr", inbound.ReasonDetail, StringComparison.Ordinal);
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
    }

    [Fact]
    public async Task VendorReplyToBroadcast_WithOneLanguage_LandsInThatLanguage()
    {
        var summary = await DeliverAndPollAsync(await ReplyAsync(_ja, "broadcast", "了解しました。"));

        Assert.Equal(1, summary.Posted);
        Assert.Empty(await _gateway.MessagesAsync(Ch("broadcast")));
        Assert.Equal("了解しました。", Assert.Single(await _gateway.MessagesAsync(Ch("vendor-ja"))).Text);
    }

    [Fact]
    public async Task VendorReplyToBroadcast_SeveralLanguages_LandsInTheLanguageItIsWrittenIn()
    {
        var reply = await ReplyAsync(_frDe, "broadcast", "Danke für die Information, wir prüfen die Untertitel morgen früh und melden uns.");

        var summary = await DeliverAndPollAsync(reply);

        Assert.Equal(1, summary.Posted);
        Assert.Single(await _gateway.MessagesAsync(Ch("vendor-de")));
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
        Assert.Contains("the reply is written in de", Assert.Single(await _gateway.InboundAsync()).Trace, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Noted, thanks a lot for the heads-up.")] // English: neither of the vendor's languages
    [InlineData("OK")] // too short to tell
    public async Task VendorReplyToBroadcast_LanguageNotClear_LandsInTheVendorsPrimaryLanguage(string text)
    {
        await _gateway.World.SaveAsync(db => db.VendorAssignments.Where(a => a.VendorId == _lumen.Id && a.Language == "de").ExecuteUpdate(s => s.SetProperty(a => a.IsPrimary, true)));

        var summary = await DeliverAndPollAsync(await ReplyAsync(_frDe, "broadcast", text));

        Assert.Equal(1, summary.Posted);
        Assert.Equal(text, Assert.Single(await _gateway.MessagesAsync(Ch("vendor-de"))).Text);
        Assert.Contains("the vendor's primary language", Assert.Single(await _gateway.InboundAsync()).Trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VendorReplyToBroadcast_OneEnabledLanguageOfSeveralAssigned_LandsThere()
    {
        // A vendor covering fr and de; the user turned on fr only: fr is the one candidate, whatever the text.
        var summary = await DeliverAndPollAsync(await ReplyAsync(_fr, "broadcast", "Danke, alles klar."));

        Assert.Equal(1, summary.Posted);
        Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr")));
    }

    [Fact]
    public async Task VendorReplyToBroadcast_NoLanguageEnabled_IsRefusedAndCanBeMovedByAnOperator()
    {
        var none = await _gateway.World.UserAsync(UserRole.Vendor, _lumen, []);
        var reply = await ReplyAsync(none, "broadcast", "Where do I answer?");

        await DeliverAndPollAsync(reply);
        await _gateway.SendOutboxAsync();

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal("broadcast_reply", inbound.Reason);
        var told = await servers.WaitForMessageAsync(Address(none), "[CLP] Not posted: " + reply.Subject, TimeSpan.FromSeconds(20));
        Assert.Contains("Turn on your languages in your settings", told.TextBody, StringComparison.Ordinal);

        // The operator moves it (quarantine post): only to a channel the sender may post to, checked again.
        var cli = new Cli(_gateway.Database);
        var id = inbound.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var refused = await cli.RunWithSettingsAsync(GatewaySettings(), "quarantine", "post", id, "--channel", "vendor-fr");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("may post in no channel of its title now", refused.Error, StringComparison.Ordinal);
        var raced = await _gateway.Database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ReplayAsync(inbound.Id, Ch("vendor-fr").Id, CancellationToken.None));
        Assert.Equal(("permission_denied", InboundStatus.Rejected), (raced!.Reason, raced.Status)); // the threader checks again itself
        await _gateway.World.SaveAsync(db => db.UserLanguages.Add(new UserLanguage { UserId = none.Id, Language = "fr" }));
        var wrong = await cli.RunWithSettingsAsync(GatewaySettings(), "quarantine", "post", id, "--channel", "vendor-de");
        var moved = await cli.RunWithSettingsAsync(GatewaySettings(), "quarantine", "post", id, "--channel", "VENDOR-FR");

        Assert.Equal(4, wrong.ExitCode);
        Assert.Contains("they may post in vendor-fr", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(0, moved.ExitCode);
        Assert.Equal("posted", moved.Lines[0].GetProperty("status").GetString());
        Assert.Equal("Where do I answer?", Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr"))).Text);
        Assert.Contains("an operator chose vendor-fr", Assert.Single(await _gateway.InboundAsync()).Trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachmentOverTenMegabytes_RefusesTheWholeMail()
    {
        var reply = await ReplyAsync(_fr, "vendor-fr", "Here is the master", ("notes.txt", [1, 2, 3]), ("master.mov", new byte[PostingLimits.MaxAttachmentBytes + 1]));

        await DeliverAndPollAsync(reply);

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal("attachment_too_large", inbound.Reason);
        Assert.Contains("'master.mov'", inbound.ReasonDetail, StringComparison.Ordinal);
        Assert.Contains("10 MB", inbound.ReasonDetail, StringComparison.Ordinal);
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
        Assert.Equal(0, await _gateway.World.CountAsync<Attachment>());
    }

    [Fact]
    public async Task AutoReply_IsNeverPostedAndNobodyIsTold()
    {
        var reply = await ReplyAsync(_fr, "vendor-fr", "I am out of the office until Monday.");
        reply.Headers.Add("Auto-Submitted", "auto-replied");

        await DeliverAndPollAsync(reply);
        await _gateway.SendOutboxAsync();

        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(InboundStatus.Ignored, inbound.Status);
        Assert.Equal("auto_reply", inbound.Reason);
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
        Assert.Empty(await _gateway.OutboxAsync());
    }

    [Fact]
    public async Task DsnBounceToThePlainAddress_IsIgnoredWithoutReply_CountsNothing()
    {
        var token = await _gateway.IssueTokenAsync(_fr, Ch("vendor-fr"));
        var bounce = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes($"""
            From: MAILER-DAEMON@mx.vendor.example
            To: {_gateway.GatewayAddress}
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <{Guid.NewGuid():N}@mx.vendor.example>
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

            --b1
            Content-Type: text/plain

            Your message could not be delivered.
            --b1
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.vendor.example

            Final-Recipient: rfc822; {Address(_fr)}
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user unknown

            --b1
            Content-Type: message/rfc822

            From: "Anna via CLP" <notifications@clp.test>
            To: {Address(_fr)}
            Reply-To: {_gateway.ReplyAddress(token)}
            Subject: [Title · Vendor · French] Anna: timeline

            Please check the timeline.
            --b1--
            """.ReplaceLineEndings("\r\n"))));

        await DeliverAndPollAsync(bounce);
        await _gateway.SendOutboxAsync();

        // Anyone can write this to the gateway's plain address; only a bounce to a notification's own return path
        // counts (SenderSecurityTests), so this one is kept as a bounce and changes nobody's address health.
        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(("bounce", InboundStatus.Ignored), (inbound.Reason, inbound.Status));
        Assert.Null(await _gateway.World.QueryAsync(db => db.AddressHealth.AsNoTracking().SingleOrDefaultAsync(a => a.Address == Address(_fr))));
        Assert.Empty(await _gateway.OutboxAsync());
        Assert.Empty(await _gateway.MessagesAsync(Ch("vendor-fr")));
    }

    [Fact]
    public async Task SameMailDeliveredTwice_IsPostedOnce()
    {
        var reply = await ReplyAsync(_fr, "vendor-fr", "Sent twice by a flaky client");

        var summary = await DeliverAndPollAsync(reply, reply);

        Assert.Equal(2, summary.Fetched);
        Assert.Equal(1, summary.Posted);
        Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr")));
        Assert.Equal(0, await servers.CountAsync(_gateway.GatewayAddress, "INBOX"));
    }

    [Fact]
    public async Task SecondPoll_FindsNothingNew()
    {
        await DeliverAndPollAsync(await ReplyAsync(_fr, "vendor-fr", "Once"));

        var second = await _gateway.PollAsync();

        Assert.Equal(0, second.Fetched);
        Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr")));
    }

    [Fact]
    public async Task LargeReplies_AreStreamedIntoTheirRows_AndPostedWithTheirFilesWhole()
    {
        // Between two small replies (fetched whole), two large ones, each fetched in partial chunks straight into its row,
        // and a middling one (2 MB file, ~2.7 MB mail): fetched whole in a batch, but its bytes and its file are written
        // into their rows in chunks.
        var files = new[] { RandomBytes(ImapPoller.StreamedFetchBytes + 12_345), RandomBytes(ImapPoller.StreamedFetchBytes - 1000), RandomBytes(2_000_000) };
        var replies = new[]
        {
            await ReplyAsync(_fr, "vendor-fr", "small before"),
            await ReplyAsync(_fr, "vendor-fr", "large one", ("reel1.fr.mov", files[0])),
            await ReplyAsync(_fr, "vendor-fr", "large two", ("reel2.fr.mov", files[1])),
            await ReplyAsync(_fr, "vendor-fr", "middling", ("reel3.fr.mov", files[2])),
            await ReplyAsync(_fr, "vendor-fr", "small after"),
        };
        var served = await AppendToInboxAsync(replies);

        var summary = await _gateway.PollAsync();

        Assert.Equal(5, summary.Posted);
        var messages = await _gateway.MessagesAsync(Ch("vendor-fr"));
        Assert.Equal(["small before", "large one", "large two", "middling", "small after"], messages.Select(m => m.Text));
        Assert.Equal(files[0], Assert.Single(messages[1].Attachments).Content);
        Assert.Equal(files[1], Assert.Single(messages[2].Attachments).Content);
        Assert.Equal(files[2], Assert.Single(messages[3].Attachments).Content);
        var inbound = (await _gateway.InboundAsync()).OrderBy(m => m.Uid).ToList();
        Assert.Equal(served, inbound.Select(m => m.Raw));
        Assert.All(inbound, m => Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(m.Raw)), m.Sha256));
        Assert.True(inbound[1].Raw.Length > ImapPoller.StreamedFetchBytes);
        Assert.True(inbound[2].Raw.Length > ImapPoller.StreamedFetchBytes);
        Assert.InRange(inbound[3].Raw.Length, InboundStore.StreamedBytes, ImapPoller.StreamedFetchBytes - 1);
        Assert.Equal(0, await servers.CountAsync(_gateway.GatewayAddress, "INBOX"));
    }

    /// <summary>A large mail expunged by someone else after the poll planned it and before it is streamed: the partial
    /// fetch finds nothing, the half-written row is rolled back, the fallback whole fetch finds nothing either, and the
    /// poll goes on; the mails around it are threaded, and the next stored mail is not confused with the rolled-back one.</summary>
    [Fact]
    public async Task LargeReply_ExpungedBeforeItIsStreamed_NothingHalfStoredAndTheOthersPosted()
    {
        var replies = new[]
        {
            await ReplyAsync(_fr, "vendor-fr", "small before"),
            await ReplyAsync(_fr, "vendor-fr", "large, then gone", ("reel1.fr.mov", RandomBytes(ImapPoller.StreamedFetchBytes))),
            await ReplyAsync(_fr, "vendor-fr", "small after"),
        };
        await AppendToInboxAsync(replies);
        var uids = await InboxUidsAsync();
        var expunged = false;
        _gateway.Faults.Meanwhile = (step, uid) =>
        {
            if (step == InboundStep.Fetched && uid == uids[0].Id && !expunged)
            {
                expunged = true;
                using var other = new ImapClient();
                other.Connect(servers.Host, servers.ImapPort, MailKit.Security.SecureSocketOptions.None);
                other.Authenticate(_gateway.GatewayAddress, MailServersFixture.Password);
                other.Inbox.Open(FolderAccess.ReadWrite);
                other.Inbox.AddFlags(uids[1], MessageFlags.Deleted, silent: true);
                other.Inbox.Expunge();
                other.Disconnect(true);
            }
        };

        var summary = await _gateway.PollAsync();

        Assert.True(expunged);
        Assert.Equal(2, summary.Posted);
        Assert.Equal(["small before", "small after"], (await _gateway.MessagesAsync(Ch("vendor-fr"))).Select(m => m.Text));
        var inbound = (await _gateway.InboundAsync()).OrderBy(m => m.Uid).ToList();
        Assert.Equal([uids[0].Id, uids[2].Id], inbound.Select(m => (uint)m.Uid));
        Assert.All(inbound, m => Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(m.Raw)), m.Sha256));
        Assert.Equal(0, await servers.CountAsync(_gateway.GatewayAddress, "INBOX"));

        // The next poll, with a new large mail, stores and posts it normally.
        _gateway.Faults.Meanwhile = null;
        var file = RandomBytes(ImapPoller.StreamedFetchBytes + 7);
        await AppendToInboxAsync([await ReplyAsync(_fr, "vendor-fr", "large, later", ("reel2.fr.mov", file))]);
        Assert.Equal(1, (await _gateway.PollAsync()).Posted);
        Assert.Equal(file, Assert.Single((await _gateway.MessagesAsync(Ch("vendor-fr"))).Single(m => m.Text == "large, later").Attachments).Content);
    }

    private async Task<IList<UniqueId>> InboxUidsAsync()
    {
        using var client = new ImapClient();
        await client.ConnectAsync(servers.Host, servers.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(_gateway.GatewayAddress, MailServersFixture.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        await client.DisconnectAsync(true);
        return uids;
    }

    public static TheoryData<InboundStep, bool> CrashSteps()
    {
        var data = new TheoryData<InboundStep, bool>();
        foreach (var step in Enum.GetValues<InboundStep>())
        {
            data.Add(step, false);
            data.Add(step, true);
        }

        return data;
    }

    /// <summary>A small reply (delivered by Postfix, fetched whole) or a large one (appended, streamed in chunks).</summary>
    [Theory]
    [MemberData(nameof(CrashSteps))]
    public async Task CrashAtAnyStep_ThenRestart_PostsExactlyOnceAndLosesNothing(InboundStep step, bool large)
    {
        var file = large ? RandomBytes(ImapPoller.StreamedFetchBytes) : null;
        var reply = await ReplyAsync(_fr, "vendor-fr", "Survives a crash", file is null ? [] : [("reel.mov", file)]);
        byte[]? served = null;
        if (large)
        {
            served = (await AppendToInboxAsync([reply]))[0];
        }
        else
        {
            await _gateway.SendAsync(reply);
            await _gateway.WaitForInboxAsync(1);
        }

        var (message, inbound) = await CrashThenPollTwiceAsync(step);

        Assert.Equal("Survives a crash", message.Text);
        if (large)
        {
            Assert.Equal(file, Assert.Single(message.Attachments).Content);
            Assert.Equal(served, inbound.Raw);
        }
    }

    /// <summary>Polls with a crash at <paramref name="step"/>, then twice more; checks that the one mail in the inbox was
    /// posted once and moved to Processed, and returns its message and its inbound row.</summary>
    private async Task<(Message Message, InboundMail Inbound)> CrashThenPollTwiceAsync(InboundStep step)
    {
        _gateway.Faults.CrashAt = step;

        await Assert.ThrowsAsync<PipelineCrashException>(() => _gateway.PollAsync());
        await _gateway.PollAsync();
        await _gateway.PollAsync();

        Assert.Equal(1, _gateway.Faults.Crashes);
        var message = Assert.Single(await _gateway.MessagesAsync(Ch("vendor-fr")));
        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal(InboundStatus.Posted, inbound.Status);
        Assert.NotNull(inbound.MovedAtUtc);
        Assert.Equal(0, await servers.CountAsync(_gateway.GatewayAddress, "INBOX"));
        Assert.Equal(1, await servers.CountAsync(_gateway.GatewayAddress, "Processed"));
        return (message, inbound);
    }

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    /// <summary>Appends the mails to the gateway's INBOX directly (a large mail need not pass Postfix's size limit) and
    /// returns each as the server serves it (BODY[]), in order.</summary>
    private async Task<List<byte[]>> AppendToInboxAsync(IReadOnlyList<MimeMessage> mails)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(servers.Host, servers.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(_gateway.GatewayAddress, MailServersFixture.Password);
        var served = new List<byte[]>();
        foreach (var mail in mails)
        {
            var uid = await client.Inbox.AppendAsync(mail) ?? throw new InvalidOperationException("no UID for the appended mail");
            await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
            using var buffer = new MemoryStream();
            await (await client.Inbox.GetStreamAsync(uid)).CopyToAsync(buffer);
            served.Add(buffer.ToArray());
            await client.Inbox.CloseAsync();
        }

        await client.DisconnectAsync(true);
        return served;
    }

    [Fact]
    public async Task Rejections_AtMostOnePerSenderAndReasonPerDay()
    {
        var forged = "t1_" + Base32.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18));

        await DeliverAndPollAsync(
            Mails.Reply(Address(_fr), _gateway.ReplyAddress(forged), "first"),
            Mails.Reply(Address(_fr), _gateway.ReplyAddress(forged), "second"));

        Assert.Equal(2, (await _gateway.InboundAsync()).Count(m => m.Reason == "invalid_token"));
        Assert.Single(await _gateway.OutboxAsync());
    }

    [Fact]
    public async Task NullReturnPath_SenderIsNeverTold()
    {
        var reply = Mails.Reply(Address(_fr), $"{_gateway.LocalPart}@clp.test", "no token here");

        await _gateway.SendAsync(reply, envelopeFrom: string.Empty);
        await _gateway.WaitForInboxAsync(1);
        await _gateway.PollAsync();

        // A null return path marks an automatic message (RFC 3834 section 2): it is classified as such, never answered.
        var inbound = Assert.Single(await _gateway.InboundAsync());
        Assert.Equal("<>", MimeMessage.Load(new MemoryStream(inbound.Raw)).Headers[HeaderId.ReturnPath]);
        Assert.Equal(InboundStatus.Ignored, inbound.Status);
        Assert.Equal("auto_reply", inbound.Reason);
        Assert.Empty(await _gateway.OutboxAsync());
    }

    [Fact]
    public async Task UidValidityChange_ResyncsWithoutPostingTwice()
    {
        var folderName = "incoming-" + Guid.NewGuid().ToString("N")[..6];
        await using var gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?> { ["Imap:Mailbox"] = folderName });
        var title = await gateway.World.TitleAsync("fr");
        var vendor = await gateway.World.VendorAsync(title, "fr");
        var user = await gateway.World.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        var token = await gateway.IssueTokenAsync(user, World.Channel(title, "vendor-fr"));
        var mails = new[] { "one", "two" }.Select(t => Mails.Reply(Address(user), gateway.ReplyAddress(token), t)).ToList();

        var firstValidity = await AppendAsync(gateway, folderName, mails, recreate: false);
        var first = await gateway.PollAsync();
        var secondValidity = await AppendAsync(gateway, folderName, mails, recreate: true);
        var second = await gateway.PollAsync();

        Assert.NotEqual(firstValidity, secondValidity);
        Assert.Equal(2, first.Posted);
        Assert.True(second.Resynced);
        Assert.Equal(2, second.Duplicates);
        Assert.Equal(0, second.Posted);
        Assert.Equal(2, (await gateway.MessagesAsync(World.Channel(title, "vendor-fr"))).Count);
    }

    private async Task<uint> AppendAsync(GatewayHarness gateway, string folderName, IReadOnlyList<MimeMessage> mails, bool recreate)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(servers.Host, servers.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(gateway.GatewayAddress, MailServersFixture.Password);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        if (recreate)
        {
            await (await root.GetSubfolderAsync(folderName)).DeleteAsync();
            await Task.Delay(1100); // Dovecot derives UIDVALIDITY from the clock
        }

        var folder = await root.CreateAsync(folderName, true) ?? throw new InvalidOperationException("folder not created");

        foreach (var mail in mails)
        {
            await folder.AppendAsync(mail);
        }

        await folder.OpenAsync(FolderAccess.ReadOnly);
        var validity = folder.UidValidity;
        await client.DisconnectAsync(true);
        return validity;
    }

    private Dictionary<string, string?> GatewaySettings() => new()
    {
        ["Mail:ReplyLocalPart"] = _gateway.LocalPart,
        ["Imap:Username"] = _gateway.GatewayAddress,
        ["Imap:Password"] = MailServersFixture.Password,
        ["ReplyTokens:CurrentKeyId"] = "t1",
        ["ReplyTokens:Keys:t1"] = TestDatabase.TestTokenKey,
        ["Inbound:SenderAuthentication"] = "Off",
    };
}
