using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class VendorConfiguration : IEntityTypeConfiguration<Vendor>
{
    public void Configure(EntityTypeBuilder<Vendor> builder)
    {
        builder.Property(v => v.Name).HasMaxLength(200);
        builder.HasIndex(v => v.Name).IsUnique();
        builder.Property(v => v.ExternalId).HasMaxLength(100);
        builder.HasIndex(v => v.ExternalId).IsUnique();
        builder.HasMany(v => v.Assignments).WithOne().HasForeignKey(a => a.VendorId);
    }
}
