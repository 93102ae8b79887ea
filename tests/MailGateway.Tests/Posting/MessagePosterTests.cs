using System.Security.Cryptography;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ClpMailGateway.Tests.Posting;

public sealed class MessagePosterTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private World _world = null!;
    private Title _title = null!;
    private Vendor _lumen = null!;
    private User _pm = null!;
    private User _frLinguist = null!;
    private User _deLinguist = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(_time);
        _world = new World(_database);
        _title = await _world.TitleAsync("fr", "de", "ja");
        _lumen = await _world.VendorAsync(_title, "fr", "de");
        _pm = await _world.UserAsync(UserRole.Pm);
        _frLinguist = await _world.UserAsync(UserRole.Vendor, _lumen, ["fr"]);
        _deLinguist = await _world.UserAsync(UserRole.Vendor, _lumen, ["de"]);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Post_VendorInOwnLanguage_StoresMessageWithTimeAndOrigin()
    {
        var result = await PostAsync(_frLinguist, "vendor-fr", "  Bonjour,\r\nthe timeline drifts.  ", origin: MessageOrigin.Email, sourceMessageId: "<abc@mail.example>");

        Assert.True(result.Succeeded, result.Error?.Message);
        var stored = await _world.QueryAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == result.Message!.Id));
        Assert.Equal("Bonjour,\nthe timeline drifts.", stored.Text);
        Assert.Equal(MessageOrigin.Email, stored.Origin);
        Assert.Equal("<abc@mail.example>", stored.SourceMessageId);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, stored.CreatedAtUtc);
        Assert.Equal(_frLinguist.Id, stored.AuthorId);
    }

    [Theory]
    [InlineData("broadcast", "only staff post to the Broadcast channel")]
    [InlineData("internal", "the Internal channel is for staff only")]
    [InlineData("vendor-de", "de is not among the languages enabled in your settings")]
    [InlineData("vendor-ja", "your vendor is not assigned ja on this title")]
    public async Task Post_VendorOutsideTheirChannels_IsRefusedAndSavesNothing(string channel, string reason)
    {
        var result = await PostAsync(_frLinguist, channel, "hello");

        Assert.Equal(PostErrorCode.PermissionDenied, result.Error!.Code);
        Assert.Contains(reason, result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _world.CountAsync<Message>());
    }

    [Fact]
    public async Task Post_AfterAssignmentRemoved_IsRefusedAtOnce()
    {
        Assert.True((await PostAsync(_frLinguist, "vendor-fr", "first")).Succeeded);

        await _world.SaveAsync(db => db.VendorAssignments.RemoveRange(
            db.VendorAssignments.Where(a => a.VendorId == _lumen.Id && a.Language == "fr")));
        var second = await PostAsync(_frLinguist, "vendor-fr", "second");

        Assert.Equal(PostErrorCode.PermissionDenied, second.Error!.Code);
        Assert.Equal(1, await _world.CountAsync<Message>());
    }

    [Fact]
    public async Task Post_InternalWithInternalMessagesOff_IsRefused()
    {
        var cpc = await _world.UserAsync(UserRole.Cpc, internalOn: false);

        var result = await PostAsync(cpc, "internal", "escalation");

        Assert.Equal(PostErrorCode.PermissionDenied, result.Error!.Code);
        Assert.Contains("turned off in your settings", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_DeactivatedUser_IsRefused()
    {
        var gone = await _world.UserAsync(UserRole.Pm, active: false);

        Assert.Equal(PostErrorCode.PermissionDenied, (await PostAsync(gone, "broadcast", "hi")).Error!.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t ")]
    [InlineData(null)]
    public async Task Post_NoTextNoAttachment_IsRefused(string? text)
    {
        var result = await PostAsync(_pm, "broadcast", text);

        Assert.Equal(PostErrorCode.Empty, result.Error!.Code);
        Assert.Equal(0, await _world.CountAsync<Message>());
    }

    [Fact]
    public async Task Post_TextOverLimit_IsRefused()
    {
        var result = await PostAsync(_pm, "broadcast", new string('x', PostingLimits.MaxTextLength + 1));

        Assert.Equal(PostErrorCode.TextTooLong, result.Error!.Code);
    }

    [Fact]
    public async Task Post_AttachmentOnly_IsStoredWithHashAndSafeName()
    {
        var bytes = RandomNumberGenerator.GetBytes(70_000);

        var result = await PostAsync(_pm, "broadcast", null, new NewAttachment("../sub/Template v3.srt", "text/plain; charset=utf-8", new MemoryStream(bytes)));

        Assert.True(result.Succeeded, result.Error?.Message);
        var attachment = await _world.QueryAsync(db => db.Attachments.AsNoTracking().SingleAsync());
        Assert.Equal("Template v3.srt", attachment.FileName);
        Assert.Equal("text/plain", attachment.ContentType);
        Assert.Equal(70_000, attachment.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), attachment.Sha256);
        Assert.Equal(bytes, attachment.Content);
    }

    [Fact]
    public async Task Post_AttachmentOfExactlyTenMegabytes_IsAccepted()
    {
        var result = await PostAsync(_pm, "broadcast", "the cut", new NewAttachment("cut.mov", null, new MemoryStream(new byte[PostingLimits.MaxAttachmentBytes])));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(PostingLimits.MaxAttachmentBytes, await _world.QueryAsync(db => db.Attachments.Select(a => a.SizeBytes).SingleAsync()));
    }

    [Fact]
    public async Task Post_LargeAttachmentThatCanBeReadAgain_IsWrittenIntoItsRowWhole()
    {
        var bytes = RandomNumberGenerator.GetBytes(MessagePoster.StreamedBytes * 3 + 12_345);
        var content = new MemoryStream();
        content.Write([1, 2, 3]);
        content.Write(bytes);
        content.Position = 3; // read from where the stream stands, both times

        var result = await PostAsync(_pm, "broadcast", "the cut", new NewAttachment("cut.mov", "video/quicktime", content));

        Assert.True(result.Succeeded, result.Error?.Message);
        var attachment = await _world.QueryAsync(db => db.Attachments.AsNoTracking().SingleAsync());
        Assert.Equal(bytes.Length, attachment.SizeBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), attachment.Sha256);
        Assert.Equal(bytes, attachment.Content);
    }

    [Fact]
    public async Task Post_LargeAttachmentReadDifferentlyTheSecondTime_SavesNothing()
    {
        var first = RandomNumberGenerator.GetBytes(MessagePoster.StreamedBytes + 1);
        var second = RandomNumberGenerator.GetBytes(first.Length);
        var file = new NewAttachment("cut.mov", null, new ForwardOnlyStream(first), first.Length) { OpenAgain = () => new ForwardOnlyStream(second) };

        await Assert.ThrowsAsync<InvalidDataException>(() => PostAsync(_pm, "broadcast", "the cut", file));

        Assert.Equal(0, await _world.CountAsync<Message>());
        Assert.Equal(0, await _world.CountAsync<Attachment>());
    }

    [Fact]
    public async Task Post_LargeAttachmentThatCannotBeReadAgain_IsStoredFromMemory()
    {
        var bytes = RandomNumberGenerator.GetBytes(MessagePoster.StreamedBytes * 2);

        var result = await PostAsync(_pm, "broadcast", "the cut", new NewAttachment("cut.mov", null, new ForwardOnlyStream(bytes), bytes.Length));

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(bytes, await _world.QueryAsync(db => db.Attachments.Select(a => a.Content).SingleAsync()));
    }

    [Fact]
    public async Task Post_OneAttachmentOverTenMegabytes_RefusesWholePostNamingFileAndLimit()
    {
        var small = new NewAttachment("notes.txt", "text/plain", new MemoryStream([1, 2, 3]));
        var big = new NewAttachment("master.mov", "video/quicktime", new MemoryStream(new byte[PostingLimits.MaxAttachmentBytes + 1]));

        var result = await PostAsync(_pm, "broadcast", "two files", small, big);

        Assert.Equal(PostErrorCode.AttachmentTooLarge, result.Error!.Code);
        Assert.Contains("'master.mov'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("10 MB", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _world.CountAsync<Message>());
        Assert.Equal(0, await _world.CountAsync<Attachment>());
    }

    [Fact]
    public async Task Post_EmptyAttachment_IsRefused()
    {
        var result = await PostAsync(_pm, "broadcast", "see file", new NewAttachment("empty.txt", "text/plain", new MemoryStream()));

        Assert.Equal(PostErrorCode.AttachmentInvalid, result.Error!.Code);
        Assert.Contains("'empty.txt'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TooManyAttachments_IsRefused()
    {
        var files = Enumerable.Range(0, PostingLimits.MaxAttachments + 1)
            .Select(i => new NewAttachment($"f{i}.txt", "text/plain", new MemoryStream([1]))).ToArray();

        Assert.Equal(PostErrorCode.TooManyAttachments, (await PostAsync(_pm, "broadcast", "many", files)).Error!.Code);
    }

    [Fact]
    public async Task Post_MentionsByHandleAndAddress_AreStoredForReaders()
    {
        var cpc = await _world.UserAsync(UserRole.Cpc);
        var text = $"@{cpc.Handle} and @{_frLinguist.Emails[0].Address.ToUpperInvariant()}, please check; @{_pm.Handle} is me";

        var result = await PostAsync(_pm, "vendor-fr", text);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(new[] { cpc.Id, _frLinguist.Id }.Order(), result.MentionedUsers.Select(u => u.Id).Order());
        var stored = await _world.QueryAsync(db => db.Mentions.AsNoTracking().Where(m => m.MessageId == result.Message!.Id).Select(m => m.UserId).OrderBy(x => x).ToListAsync());
        Assert.Equal(new[] { cpc.Id, _frLinguist.Id }.Order(), stored);
    }

    [Fact]
    public async Task Post_MentionOfUserWhoCannotRead_NeverWidensAudience()
    {
        var result = await PostAsync(_pm, "internal", $"between us, @{_frLinguist.Handle} is late");

        Assert.True(result.Succeeded);
        Assert.Empty(result.MentionedUsers);
        Assert.Equal([_frLinguist.Id], result.MentionsWithoutAccess.Select(u => u.Id));
        Assert.Equal(0, await _world.CountAsync<Mention>());
    }

    [Fact]
    public async Task Post_MentionOfOtherLanguageVendor_InVendorChannel_IsNotStored()
    {
        var result = await PostAsync(_pm, "vendor-fr", $"@{_deLinguist.Handle} FYI");

        Assert.Equal([_deLinguist.Id], result.MentionsWithoutAccess.Select(u => u.Id));
        Assert.Empty(result.MentionedUsers);
    }

    [Fact]
    public async Task Post_UnknownMention_IsReported()
    {
        var result = await PostAsync(_pm, "broadcast", "@nobody-here and @ghost@clp.test");

        Assert.Equal(["@nobody-here", "@ghost@clp.test"], result.UnknownMentions);
    }

    private async Task<PostResult> PostAsync(
        User author, string channelKey, string? text, MessageOrigin origin = MessageOrigin.Web, string? sourceMessageId = null)
        => await PostAsync(author, channelKey, text, origin, sourceMessageId, []);

    private async Task<PostResult> PostAsync(User author, string channelKey, string? text, params NewAttachment[] attachments)
        => await PostAsync(author, channelKey, text, MessageOrigin.Web, null, attachments);

    private async Task<PostResult> PostAsync(
        User author, string channelKey, string? text, MessageOrigin origin, string? sourceMessageId, NewAttachment[] attachments)
    {
        return await _database.WithAsync(services => services.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(author.Id, World.Channel(_title, channelKey).Id, text, attachments, origin, sourceMessageId),
            CancellationToken.None));
    }

    /// <summary>Bytes that can be read once, front to back (a decoding mail part or an upload being received).</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 5000));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
