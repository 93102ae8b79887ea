using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class OutboundMailConfiguration : IEntityTypeConfiguration<OutboundMail>
{
    public void Configure(EntityTypeBuilder<OutboundMail> builder)
    {
        builder.Property(m => m.Purpose).HasMaxLength(32);
        builder.Property(m => m.ToAddress).HasMaxLength(320);
        builder.Property(m => m.EnvelopeFrom).HasMaxLength(320);
        builder.Property(m => m.RateKey).HasMaxLength(100);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.ClaimedBy).HasMaxLength(100);
        builder.Property(m => m.TraceParent).HasMaxLength(55);
        builder.HasIndex(m => new { m.Status, m.NextAttemptAtUtc });
        builder.HasIndex(m => new { m.ToAddress, m.RateKey, m.CreatedAtUtc });
        // A bounce finds the mail it is about by the return path it came back to (ReturnPaths).
        builder.HasIndex(m => m.EnvelopeFrom);
        // Retention finds the sent and given-up mails whose bodies are still kept.
        builder.HasIndex(m => new { m.BodyRemovedAtUtc, m.Status });
    }
}
