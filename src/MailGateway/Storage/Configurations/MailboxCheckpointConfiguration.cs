using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class MailboxCheckpointConfiguration : IEntityTypeConfiguration<MailboxCheckpoint>
{
    public void Configure(EntityTypeBuilder<MailboxCheckpoint> builder)
    {
        builder.HasKey(c => c.Mailbox);
        builder.Property(c => c.Mailbox).HasMaxLength(200);
    }
}
