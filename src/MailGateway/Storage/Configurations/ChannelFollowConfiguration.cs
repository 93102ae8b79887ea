using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class ChannelFollowConfiguration : IEntityTypeConfiguration<ChannelFollow>
{
    public void Configure(EntityTypeBuilder<ChannelFollow> builder)
    {
        builder.HasKey(f => new { f.UserId, f.ChannelId });
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.UserId);
        builder.HasOne<Channel>().WithMany().HasForeignKey(f => f.ChannelId);
        builder.HasIndex(f => f.ChannelId);
    }
}
