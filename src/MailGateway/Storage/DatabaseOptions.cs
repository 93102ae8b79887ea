using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Storage;

/// <summary>Which database the gateway and the web share (<c>Database:</c>), and how processes that share one take turns
/// with work (<see cref="ClaimLease"/>).</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (the default: one file, one gateway process) or <c>Postgres</c> (several gateway and web
    /// processes on one database).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How long a process holds outbox mails and digests it claimed without renewing the claim; a process that
    /// dies leaves its claims to the others after this long. Renewed every third of it while the work goes on.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a gateway on PostgreSQL checks in with the clustered scheduler; another process takes over the
    /// scheduled jobs of one that missed its check-ins for twice this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
