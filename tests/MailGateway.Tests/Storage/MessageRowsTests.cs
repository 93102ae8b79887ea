using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Tests.Storage;

public sealed class MessageRowsTests
{
    [Fact]
    public async Task Insert_ReadsBackThroughEfAsEfWouldHaveWrittenIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        var title = await world.TitleAsync("fr");
        var author = await world.UserAsync(UserRole.Pm);
        var mentioned = await world.UserAsync(UserRole.Cpc);
        var channel = World.Channel(title, "internal");
        var created = new DateTime(2026, 11, 27, 9, 30, 15, 123, DateTimeKind.Utc).AddTicks(4567);
        var message = new Message
        {
            ChannelId = channel.Id, AuthorId = author.Id, Text = "Reel 2 — timeline «v3»", Origin = MessageOrigin.Email,
            CreatedAtUtc = created, SourceMessageId = "<abc@vendor.example>",
        };
        message.Attachments.Add(new Attachment { FileName = "cues.xlsx", ContentType = "application/octet-stream", SizeBytes = 3, Sha256 = new string('a', 64), Content = [1, 2, 3] });
        message.Attachments.Add(new Attachment { FileName = "notes.pdf", ContentType = "application/pdf", SizeBytes = 2, Sha256 = new string('b', 64), Content = [4, 5] });
        message.Mentions.Add(new Mention { UserId = mentioned.Id });

        await database.WithAsync(async s =>
        {
            var db = s.GetRequiredService<GatewayDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.Dialect.Messages.InsertAsync(db, message, CancellationToken.None);
            await transaction.CommitAsync();
            return 0;
        });

        var saved = await world.QueryAsync(db => db.Messages.AsNoTracking().Include(m => m.Attachments).Include(m => m.Mentions)
            .SingleAsync(m => m.Id == message.Id && m.Origin == MessageOrigin.Email));
        Assert.Equal(message.Id, saved.Id);
        Assert.Equal((message.ChannelId, message.AuthorId, message.Text, message.SourceMessageId), (saved.ChannelId, saved.AuthorId, saved.Text, saved.SourceMessageId));
        Assert.Equal(TestDatabase.Stored(created), saved.CreatedAtUtc);
        Assert.Equal(
            message.Attachments.Select(a => (a.Id, a.FileName, a.ContentType, a.SizeBytes, a.Sha256, Convert.ToHexString(a.Content))),
            saved.Attachments.OrderBy(a => a.Id).Select(a => (a.Id, a.FileName, a.ContentType, a.SizeBytes, a.Sha256, Convert.ToHexString(a.Content))));
        Assert.Equal([mentioned.Id], saved.Mentions.Select(m => m.UserId));
        var pending = await world.QueryAsync(db => db.PendingFanouts.AsNoTracking().SingleAsync());
        Assert.Equal((message.Id, TestDatabase.Stored(created), 0), (pending.MessageId, pending.CreatedAtUtc, pending.Attempts));
    }

    [Fact]
    public async Task Insert_OutsideATransaction_IsRefused()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.WithAsync(async s =>
        {
            var message = new Message { ChannelId = 1, AuthorId = 1, Text = "x" };
            await Assert.ThrowsAsync<InvalidOperationException>(
                () => s.GetRequiredService<GatewayDbContext>().Dialect.Messages.InsertAsync(s.GetRequiredService<GatewayDbContext>(), message, CancellationToken.None));
            return 0;
        });
    }
}
