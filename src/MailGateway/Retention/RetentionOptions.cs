using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Retention;

/// <summary>What the gateway keeps and for how long (section <c>Retention</c>); see <see cref="RetentionService"/>. Each
/// age is counted from the moment named below; what was posted (messages, files) is never removed.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Whether <c>run</c> schedules the retention job at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Quartz cron expression (seconds first) of the run; the default is every hour at 41 minutes past.</summary>
    [Required]
    public string Cron { get; set; } = "0 41 * * * ?";

    /// <summary>The raw bytes of a threaded inbound mail (posted, ignored as an auto-reply or bounce, or a quarantined mail
    /// once an operator's replay or "post to" posted it) are removed this long after it was threaded. The row stays, so
    /// the same mail fetched again is still recognised and not posted twice.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan InboundRawAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A quarantined mail nobody resolved is deleted (its row and raw bytes) this long after it was last
    /// quarantined (a replay that quarantines it again starts the count again).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan QuarantineAfter { get; set; } = TimeSpan.FromDays(90);

    /// <summary>A sent mail (notification, digest, rejection, sign-in link...) is cut to its header block this long after
    /// it was sent; its headers and outcome stay.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan SentBodyAfter { get; set; } = TimeSpan.Zero;

    /// <summary>A mail the outbox gave up on (refused permanently, or out of attempts) is cut to its header block this
    /// long after it was queued, so its body can still be looked at while the failure is fresh.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan FailedBodyAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Used or expired sign-in links are deleted, and the secrets of expired address-verification links cleared,
    /// this long after they were used or expired.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan LinksAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Rows handled per transaction, so that a first run on a large database never holds a long transaction
    /// (the gateway's own writes go on between batches).</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;
}
