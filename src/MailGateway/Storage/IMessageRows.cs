using ClpMailGateway.Domain;

namespace ClpMailGateway.Storage;

/// <summary>
/// Inserts a new message with its files (their content as held in memory; empty for a file written into its row
/// afterwards), its mentions and its pending fan-out through plain statements in the context's current transaction, at
/// once, instead of through EF's change tracking at the next <c>SaveChanges</c> (~4x the cost per mail on the inbound
/// pipeline's serial path). The rows get their ids from the database and the objects are left untracked. The message is
/// in the search index when the transaction commits.
/// </summary>
public interface IMessageRows
{
    Task InsertAsync(GatewayDbContext db, Message message, CancellationToken cancellationToken);
}
