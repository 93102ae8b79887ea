using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.Property(u => u.Name).HasMaxLength(200);
        builder.Property(u => u.Handle).HasMaxLength(64);
        builder.Property(u => u.SecurityStamp).HasMaxLength(32);
        builder.HasIndex(u => u.Handle).IsUnique();
        builder.Property(u => u.ExternalId).HasMaxLength(100);
        builder.HasIndex(u => u.ExternalId).IsUnique();
        builder.HasOne(u => u.Vendor).WithMany().HasForeignKey(u => u.VendorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(u => u.Emails).WithOne(e => e.User).HasForeignKey(e => e.UserId);
        builder.HasMany(u => u.Languages).WithOne().HasForeignKey(l => l.UserId);
        builder.HasOne(u => u.Settings).WithOne().HasForeignKey<UserSettings>(s => s.UserId);
        builder.Ignore(u => u.IsInternal);
        builder.ToTable(t => t.HasCheckConstraint("CK_Users_VendorRole", "(\"Role\" = 3) = (\"VendorId\" IS NOT NULL)"));
    }
}
