using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class ReplyTokenConfiguration : IEntityTypeConfiguration<ReplyToken>
{
    public void Configure(EntityTypeBuilder<ReplyToken> builder)
    {
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.KeyId).HasMaxLength(8);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId);
        builder.HasOne<Channel>().WithMany().HasForeignKey(t => t.ChannelId);
        builder.HasIndex(t => new { t.UserId, t.ChannelId, t.KeyId });
    }
}
