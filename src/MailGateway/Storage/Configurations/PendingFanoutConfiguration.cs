using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class PendingFanoutConfiguration : IEntityTypeConfiguration<PendingFanout>
{
    public void Configure(EntityTypeBuilder<PendingFanout> builder)
    {
        builder.HasKey(f => f.MessageId);
        builder.Property(f => f.MessageId).ValueGeneratedNever();
        builder.Property(f => f.LastError).HasMaxLength(2000);
        // A deleted message takes its pending fan-out with it.
        builder.HasOne<Message>().WithMany().HasForeignKey(f => f.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
