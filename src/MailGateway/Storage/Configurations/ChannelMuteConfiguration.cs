using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class ChannelMuteConfiguration : IEntityTypeConfiguration<ChannelMute>
{
    public void Configure(EntityTypeBuilder<ChannelMute> builder)
    {
        builder.HasKey(m => new { m.UserId, m.ChannelId });
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId);
        builder.HasOne<Channel>().WithMany().HasForeignKey(m => m.ChannelId);
        builder.HasIndex(m => m.ChannelId);
    }
}
