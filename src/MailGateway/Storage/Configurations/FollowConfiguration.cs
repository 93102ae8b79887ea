using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class FollowConfiguration : IEntityTypeConfiguration<Follow>
{
    public void Configure(EntityTypeBuilder<Follow> builder)
    {
        builder.HasKey(f => new { f.UserId, f.TitleId });
        builder.HasOne<User>().WithMany().HasForeignKey(f => f.UserId);
        builder.HasOne<Title>().WithMany().HasForeignKey(f => f.TitleId);
        builder.HasIndex(f => f.TitleId);
    }
}
