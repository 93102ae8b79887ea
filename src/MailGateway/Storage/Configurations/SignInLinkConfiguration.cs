using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class SignInLinkConfiguration : IEntityTypeConfiguration<SignInLink>
{
    public void Configure(EntityTypeBuilder<SignInLink> builder)
    {
        builder.ToTable("SignInLinks");
        builder.Property(l => l.SecretHash).HasMaxLength(64).IsFixedLength();
        builder.Property(l => l.Address).HasMaxLength(320);
        builder.HasOne<User>().WithMany().HasForeignKey(l => l.UserId);
        builder.HasIndex(l => l.SecretHash).IsUnique();
        builder.HasIndex(l => new { l.Address, l.CreatedAtUtc });
    }
}
