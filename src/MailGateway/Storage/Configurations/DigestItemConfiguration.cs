using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class DigestItemConfiguration : IEntityTypeConfiguration<DigestItem>
{
    public void Configure(EntityTypeBuilder<DigestItem> builder)
    {
        builder.HasOne<User>().WithMany().HasForeignKey(i => i.UserId);
        builder.HasOne<Message>().WithMany().HasForeignKey(i => i.MessageId);
        builder.HasOne<Digest>().WithMany().HasForeignKey(i => i.DigestId);
        builder.HasIndex(i => new { i.DigestId, i.UserId });
        builder.HasIndex(i => new { i.UserId, i.MessageId }).IsUnique();
    }
}
