using ClpMailGateway.Domain;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Storage.Postgres;

/// <summary>The gateway's model on PostgreSQL. A type of its own so that its migrations (<c>Storage/Postgres/Migrations</c>)
/// are told apart from SQLite's, and so that what SQLite's triggers do is done here: a message saved through EF gets
/// its words in the search index in the same transaction. The services ask for <see cref="GatewayDbContext"/>.</summary>
public sealed class PostgresGatewayDbContext(DbContextOptions<PostgresGatewayDbContext> options) : GatewayDbContext(options)
{
    public override StorageDialect Dialect => PostgresDialect.Instance;

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changed = ChangeTracker.Entries<Message>()
            .Where(e => e.State == EntityState.Added
                || (e.State == EntityState.Modified && (e.Property(m => m.Text).IsModified || e.Property(m => m.ChannelId).IsModified)))
            .Select(e => e.Entity).ToList();
        if (changed.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        await using var transaction = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await PostgresSearchIndex.IndexAsync(this, changed.Select(m => (m.Id, m.ChannelId, m.Text)).ToList(), cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        ChangeTracker.Entries<Message>().Any(e => e.State is EntityState.Added or EntityState.Modified)
            ? throw new InvalidOperationException("Messages are saved with SaveChangesAsync on PostgreSQL (their words are indexed alongside).")
            : base.SaveChanges(acceptAllChangesOnSuccess);
}
