using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class ChannelReadMarkConfiguration : IEntityTypeConfiguration<ChannelReadMark>
{
    public void Configure(EntityTypeBuilder<ChannelReadMark> builder)
    {
        builder.HasKey(m => new { m.UserId, m.ChannelId });
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Channel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => m.ChannelId);
    }
}
