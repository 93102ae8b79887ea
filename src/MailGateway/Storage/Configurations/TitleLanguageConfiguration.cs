using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ClpMailGateway.Storage.Configurations;

internal sealed class TitleLanguageConfiguration : IEntityTypeConfiguration<TitleLanguage>
{
    public void Configure(EntityTypeBuilder<TitleLanguage> builder)
    {
        builder.HasKey(l => new { l.TitleId, l.Language });
        builder.Property(l => l.Language).HasMaxLength(20);
    }
}
