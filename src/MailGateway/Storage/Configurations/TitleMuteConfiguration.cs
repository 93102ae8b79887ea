using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class TitleMuteConfiguration : IEntityTypeConfiguration<TitleMute>
{
    public void Configure(EntityTypeBuilder<TitleMute> builder)
    {
        builder.HasKey(m => new { m.UserId, m.TitleId });
        builder.HasOne<User>().WithMany().HasForeignKey(m => m.UserId);
        builder.HasOne<Title>().WithMany().HasForeignKey(m => m.TitleId);
        builder.HasIndex(m => m.TitleId);
    }
}
