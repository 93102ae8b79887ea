using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class TitleConfiguration : IEntityTypeConfiguration<Title>
{
    public void Configure(EntityTypeBuilder<Title> builder)
    {
        builder.Property(t => t.Slug).HasMaxLength(100);
        builder.HasIndex(t => t.Slug).IsUnique();
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.Property(t => t.ExternalId).HasMaxLength(100);
        builder.HasIndex(t => t.ExternalId).IsUnique();
        builder.Ignore(t => t.IsArchived);
        builder.HasMany(t => t.Languages).WithOne().HasForeignKey(l => l.TitleId);
        builder.HasMany(t => t.Channels).WithOne(c => c.Title).HasForeignKey(c => c.TitleId);
    }
}
