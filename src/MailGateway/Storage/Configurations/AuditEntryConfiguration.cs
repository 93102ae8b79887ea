using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.ActorKind).HasMaxLength(16);
        builder.Property(a => a.ActorName).HasMaxLength(254);
        builder.Property(a => a.Entity).HasMaxLength(16);
        builder.Property(a => a.EntityId).HasMaxLength(40);
        builder.Property(a => a.Action).HasMaxLength(16);
        builder.HasIndex(a => new { a.Entity, a.Id });
    }
}
