using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class MailThreadConfiguration : IEntityTypeConfiguration<MailThread>
{
    public void Configure(EntityTypeBuilder<MailThread> builder)
    {
        builder.HasKey(t => new { t.ChannelId, t.UserId });
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId);
        builder.HasOne<Channel>().WithMany().HasForeignKey(t => t.ChannelId);
    }
}
