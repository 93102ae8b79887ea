using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class InboundMailConfiguration : IEntityTypeConfiguration<InboundMail>
{
    /// <summary>The table of <see cref="InboundMail.Raw"/> (one row per mail, keyed by its Id).</summary>
    public const string RawTable = "InboundMailRaws";

    public void Configure(EntityTypeBuilder<InboundMail> builder)
    {
        builder.Property(m => m.Mailbox).HasMaxLength(200);
        builder.Property(m => m.MessageId).HasMaxLength(998);
        builder.Property(m => m.Sha256).HasMaxLength(64).IsFixedLength();
        builder.Property(m => m.FromAddress).HasMaxLength(320);
        builder.Property(m => m.Subject).HasMaxLength(998);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.Kind).HasMaxLength(20);
        builder.Property(m => m.Reason).HasMaxLength(64);
        builder.Property(m => m.Raw).Metadata.SetValueComparer(new WholeBytesComparer());

        // The raw bytes live in a table of their own: SQLite rewrites a whole row on every UPDATE, so with the bytes in
        // InboundMails each status or trace change of a 13 MB mail would load and write its 13 MB twice over.
        builder.SplitToTable(RawTable, t => t.Property(m => m.Raw));

        // The idempotency key: the same mail stored twice (redelivered, refetched after a crash or a UIDVALIDITY change)
        // is one row.
        builder.HasIndex(m => new { m.MessageId, m.Sha256 }).IsUnique();
        builder.HasIndex(m => m.Status);
        builder.HasIndex(m => new { m.Mailbox, m.MovedAtUtc });
        // Retention finds the mails whose raw bytes are still kept, oldest threaded first.
        builder.HasIndex(m => new { m.RawRemovedAtUtc, m.ProcessedAtUtc });
    }
}
