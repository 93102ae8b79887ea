using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class UserSettingsConfiguration : IEntityTypeConfiguration<UserSettings>
{
    public void Configure(EntityTypeBuilder<UserSettings> builder)
    {
        builder.HasKey(s => s.UserId);
        builder.Property(s => s.InternalDelivery).HasConversion<string>().HasMaxLength(12);
        builder.Property(s => s.BroadcastDelivery).HasConversion<string>().HasMaxLength(12);
        builder.Property(s => s.VendorDelivery).HasConversion<string>().HasMaxLength(12);
        builder.Property(s => s.TimeZone).HasMaxLength(Rendering.ReaderTime.MaxLength).HasDefaultValue(Rendering.ReaderTime.Utc);
        builder.Property(s => s.Language).HasMaxLength(35);
    }
}
