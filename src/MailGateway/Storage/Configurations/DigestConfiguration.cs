using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class DigestConfiguration : IEntityTypeConfiguration<Digest>
{
    public void Configure(EntityTypeBuilder<Digest> builder)
    {
        builder.Property(d => d.ToAddress).HasMaxLength(320);
        builder.Property(d => d.ChannelIds).HasMaxLength(4000);
        builder.HasOne<User>().WithMany().HasForeignKey(d => d.UserId);
    }
}
