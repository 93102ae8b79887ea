using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class VendorAssignmentConfiguration : IEntityTypeConfiguration<VendorAssignment>
{
    public void Configure(EntityTypeBuilder<VendorAssignment> builder)
    {
        builder.HasKey(a => new { a.VendorId, a.TitleId, a.Language });
        builder.Property(a => a.Language).HasMaxLength(20);
        builder.HasOne<Title>().WithMany().HasForeignKey(a => a.TitleId);
        builder.HasIndex(a => new { a.TitleId, a.Language });
    }
}
