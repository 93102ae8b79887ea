using System.Text;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Threading;

/// <summary>What the reply understanding could not read as declared reaches the inbound trace, and the post keeps what
/// the person sent: parsed, threaded and stored on a real SQLite file.</summary>
public sealed class ReadNotesTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private World _world = null!;
    private User _fr = null!;
    private Channel _vendorFr = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _world = new World(_database);
        var title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(title, "fr");
        _fr = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _vendorFr = World.Channel(title, "vendor-fr");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Process_ReplyWithGarbageWinmailAndAUtf16LabelOnAscii_PostsTheTextAndTheWinmailAndTracesBoth()
    {
        var token = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, _vendorFr.Id, CancellationToken.None));
        var garbage = Encoding.ASCII.GetBytes(new string('x', 300));
        var raw = Encoding.ASCII.GetBytes(($"From: {_fr.Emails[0].Address}\nTo: reply+{token}@clp.test\nSubject: Re: timeline\nMessage-ID: <notes-1@client.example>\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=utf-16\n\nThe timeline is attached.\n"
            + "--b\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\nContent-Disposition: attachment; filename=\"winmail.dat\"\nContent-Transfer-Encoding: base64\n\n"
            + Convert.ToBase64String(garbage) + "\n--b--\n").ReplaceLineEndings("\r\n"));

        var stored = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(1L, raw)], CancellationToken.None));
        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync([stored[0].Mail], CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], statuses);
        var message = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).SingleAsync());
        Assert.Equal("The timeline is attached.", message.Text);
        var file = Assert.Single(message.Attachments);
        Assert.Equal("winmail.dat", file.FileName);
        Assert.Equal(garbage, file.Content);
        var mail = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync());
        Assert.Contains("winmail.dat", mail.Trace, StringComparison.Ordinal);
        Assert.Contains("kept as it came", mail.Trace, StringComparison.Ordinal);
        Assert.Contains("utf-16 cannot be right", mail.Trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_EncryptedReply_IsQuarantinedAndTheSenderIsToldWhy()
    {
        var token = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, _vendorFr.Id, CancellationToken.None));
        var raw = Encoding.ASCII.GetBytes(($"From: {_fr.Emails[0].Address}\nTo: reply+{token}@clp.test\nSubject: Re: timeline\nMessage-ID: <notes-2@client.example>\nMIME-Version: 1.0\n"
            + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\nContent-Transfer-Encoding: base64\n\n"
            + Convert.ToBase64String(new byte[400]) + "\n").ReplaceLineEndings("\r\n"));

        var stored = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(1L, raw)], CancellationToken.None));
        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync([stored[0].Mail], CancellationToken.None));

        Assert.Equal([InboundStatus.Rejected], statuses);
        Assert.Equal(0, await _world.CountAsync<Message>());
        var mail = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync());
        Assert.Equal("encrypted", mail.Reason);
        var rejection = await _world.QueryAsync(db => db.OutboundMails.AsNoTracking().SingleAsync(m => m.Purpose == "rejection"));
        Assert.Equal(_fr.Emails[0].Address, rejection.ToAddress);
        // In the vendor's language (French, their first), with the reason's code in its header.
        using var told = MimeKit.MimeMessage.Load(new MemoryStream(rejection.Raw));
        Assert.Equal("encrypted", told.Headers["X-CLP-Reject-Reason"]);
        Assert.Contains(ClpMailGateway.Outbound.MailTemplates.Shipped.Text("fr", "reason.encrypted_advice"), told.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_ReadReceiptToAReplyAddress_IsIgnoredWithoutARejectionMail()
    {
        var token = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, _vendorFr.Id, CancellationToken.None));
        var raw = Encoding.ASCII.GetBytes(($"From: {_fr.Emails[0].Address}\nTo: reply+{token}@clp.test\nSubject: Read: timeline\nMessage-ID: <notes-3@client.example>\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/report; report-type=disposition-notification; boundary=\"m\"\n\n--m\nContent-Type: text/plain\n\nYour message was read.\n"
            + "--m\nContent-Type: message/disposition-notification\n\nFinal-Recipient: rfc822; a@vendor.example\nDisposition: manual-action/MDN-sent-manually; displayed\n--m--\n").ReplaceLineEndings("\r\n"));

        var stored = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync("reply@clp.test/INBOX", 1, [(1L, raw)], CancellationToken.None));
        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync([stored[0].Mail], CancellationToken.None));

        Assert.Equal([InboundStatus.Ignored], statuses);
        Assert.Equal(0, await _world.CountAsync<Message>());
        Assert.Equal(0, await _world.CountAsync<OutboundMail>());
    }
}
