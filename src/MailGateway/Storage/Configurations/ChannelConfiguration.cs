using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> builder)
    {
        builder.Property(c => c.Key).HasMaxLength(40);
        builder.Property(c => c.Language).HasMaxLength(20);
        builder.HasIndex(c => new { c.TitleId, c.Key }).IsUnique();
    }
}
