using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class AddressHealthConfiguration : IEntityTypeConfiguration<AddressHealth>
{
    public void Configure(EntityTypeBuilder<AddressHealth> builder)
    {
        builder.HasKey(a => a.Address);
        builder.Property(a => a.Address).HasMaxLength(320);
        builder.Property(a => a.LastBounceDetail).HasMaxLength(1000);
    }
}
