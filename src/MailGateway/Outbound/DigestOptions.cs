using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Outbound;

/// <summary>When digests go out (section <c>Digest</c>).</summary>
public sealed class DigestOptions
{
    public const string SectionName = "Digest";

    /// <summary>Quartz cron expression (seconds first) of the digest run; the default is every hour on the hour.</summary>
    [Required]
    public string Cron { get; set; } = "0 0 * * * ?";
}
