using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Health;

/// <summary>When the gateway and the web call themselves ready (section <c>Health</c>; see <see cref="HealthEndpoints"/>).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Not ready when the mailbox has not been read for this many poll intervals (<c>Imap:PollInterval</c>).</summary>
    [Range(1, 1000)]
    public int MissedPolls { get; set; } = 3;

    /// <summary>Not ready when a notification (or any mail of the outbox) has been due for sending longer than this.</summary>
    public TimeSpan OutboxMaxAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one check may take (a server that does not answer) before it counts as failed.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The IMAP and SMTP checks log in to the servers: their result is reused for this long, so frequent probes
    /// (or anyone calling the web's endpoint in a loop) cost the servers one login per check per period.</summary>
    public TimeSpan ReuseServerChecksFor { get; set; } = TimeSpan.FromSeconds(10);
}
