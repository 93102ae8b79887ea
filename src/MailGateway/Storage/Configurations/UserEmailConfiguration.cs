using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class UserEmailConfiguration : IEntityTypeConfiguration<UserEmail>
{
    public void Configure(EntityTypeBuilder<UserEmail> builder)
    {
        builder.Property(e => e.Address).HasMaxLength(254);
        builder.HasIndex(e => e.Address).IsUnique();
        builder.Property(e => e.VerificationSecretHash).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(e => e.VerificationSecretHash).IsUnique();
    }
}
