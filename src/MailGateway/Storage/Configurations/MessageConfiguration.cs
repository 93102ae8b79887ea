using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.HasOne(m => m.Channel).WithMany().HasForeignKey(m => m.ChannelId);
        builder.HasOne(m => m.Author).WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(m => m.Origin).HasConversion<string>().HasMaxLength(8);
        builder.Property(m => m.SourceMessageId).HasMaxLength(998);
        builder.HasIndex(m => new { m.ChannelId, m.CreatedAtUtc });
        // A mail is posted at most once per channel, however often it arrives.
        builder.HasIndex(m => new { m.ChannelId, m.SourceMessageId }).IsUnique().HasFilter("\"SourceMessageId\" IS NOT NULL");
        builder.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId);
        builder.HasMany(m => m.Mentions).WithOne().HasForeignKey(x => x.MessageId);
    }
}
