using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.Tests.Inbound;

/// <summary>The batched store and threading of the inbound pipeline on a real SQLite file: several mails per transaction,
/// a savepoint per mail, large mails streamed into their row.</summary>
public sealed class InboundBatchTests : IAsyncLifetime
{
    private const string Mailbox = "reply@clp.test/INBOX";
    private readonly FailingFaults _faults = new();
    private TestDatabase _database = null!;
    private World _world = null!;
    private User _fr = null!;
    private Channel _vendorFr = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(configure: s => s.AddSingleton<IInboundFaults>(_faults));
        _world = new World(_database);
        var title = await _world.TitleAsync("fr");
        var vendor = await _world.VendorAsync(title, "fr");
        _fr = await _world.UserAsync(UserRole.Vendor, vendor, ["fr"]);
        _vendorFr = World.Channel(title, "vendor-fr");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ProcessStored_OneMailFails_OthersOfTheGroupArePostedAndItStaysPending()
    {
        var stored = await StoreAsync(await ReplyAsync("one"), await ReplyAsync("two"), await ReplyAsync("three"));
        _faults.FailAtPostedOnce = stored[1].Uid;

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal([InboundStatus.Posted, InboundStatus.Posted], statuses);
        Assert.Equal(["one", "three"], await TextsAsync());
        var failed = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[1].Id));
        Assert.Equal(InboundStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Null(failed.PostedMessageId);
        Assert.Contains("\"failed\"", failed.Trace, StringComparison.Ordinal);

        // The next poll threads it, once.
        var retried = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessPendingAsync(CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], retried);
        Assert.Equal(["one", "three", "two"], await TextsAsync());
    }

    [Fact]
    public async Task StoreBatch_SameMailTwice_IsOneRow()
    {
        var raw = await ReplyAsync("twice");

        var rows = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync(Mailbox, 1, [(1, raw), (2, raw)], CancellationToken.None));

        Assert.True(rows[0].Created);
        Assert.False(rows[1].Created);
        Assert.Equal(rows[0].Mail.Id, rows[1].Mail.Id);
        Assert.Equal(1, await _world.CountAsync<InboundMail>());
    }

    [Fact]
    public async Task LargeMail_IsStoredWholeAndPostedWithItsFile()
    {
        var file = RandomNumberGenerator.GetBytes(9_000_000);
        var raw = await ReplyAsync("the reel", file);
        Assert.True(raw.Length >= InboundStore.StreamedBytes);

        var stored = await StoreAsync(raw);
        var fromDisk = await _world.QueryAsync(db => db.InboundMails.AsNoTracking().SingleAsync(m => m.Id == stored[0].Id));
        Assert.Equal(raw, fromDisk.Raw);
        Assert.Equal(raw.LongLength, fromDisk.SizeBytes);

        var statuses = await _database.WithAsync(s => s.GetRequiredService<InboundProcessor>().ProcessStoredAsync(stored, CancellationToken.None));

        Assert.Equal([InboundStatus.Posted], statuses);
        var message = await _world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).SingleAsync());
        Assert.Equal("the reel", message.Text);
        Assert.Equal(file, Assert.Single(message.Attachments).Content);
    }

    private async Task<List<InboundMail>> StoreAsync(params byte[][] raws)
    {
        var rows = await _database.WithAsync(s => s.GetRequiredService<InboundStore>()
            .StoreBatchAsync(Mailbox, 1, raws.Select((raw, i) => ((long)i + 1, raw)).ToList(), CancellationToken.None));
        Assert.All(rows, r => Assert.True(r.Created));
        return rows.Select(r => r.Mail).ToList();
    }

    private Task<List<string>> TextsAsync() =>
        _world.QueryAsync(db => db.Messages.AsNoTracking().Where(m => m.ChannelId == _vendorFr.Id).OrderBy(m => m.Id).Select(m => m.Text).ToListAsync());

    private async Task<byte[]> ReplyAsync(string text, byte[]? file = null)
    {
        var token = await _database.WithAsync(s => s.GetRequiredService<ReplyTokenService>().IssueAsync(_fr.Id, _vendorFr.Id, CancellationToken.None));
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_fr.Emails[0].Address));
        message.To.Add(MailboxAddress.Parse($"reply+{token}@clp.test"));
        message.Subject = "Re: timeline";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("client.example");
        var body = new TextPart("plain") { Text = text + "\n\nOn Mon, 3 Feb 2025 at 10:12, Anna via CLP <notifications@clp.test> wrote:\n> Please check.\n" };
        message.Body = file is null
            ? body
            : new Multipart("mixed")
            {
                body,
                new MimePart("application", "octet-stream")
                {
                    Content = new MimeContent(new MemoryStream(file)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = "reel1.mov",
                },
            };
        using var stream = new MemoryStream();
        await message.WriteToAsync(stream);
        return stream.ToArray();
    }

    /// <summary>Makes threading of one UID fail once with an ordinary error (a bug or an outage, not a crash).</summary>
    private sealed class FailingFaults : IInboundFaults
    {
        public long? FailAtPostedOnce { get; set; }

        public void At(InboundStep point, long uid)
        {
            if (point == InboundStep.Posted && uid == FailAtPostedOnce)
            {
                FailAtPostedOnce = null;
                throw new InvalidOperationException($"simulated failure threading uid {uid}");
            }
        }
    }
}
