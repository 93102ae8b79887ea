using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Search;

/// <summary>Upkeep of the search index (section <c>SearchIndex</c>); see <see cref="SearchIndexMaintenance"/>.</summary>
public sealed class SearchIndexOptions
{
    public const string SectionName = "SearchIndex";

    /// <summary>Quartz cron expression (seconds first) of the check; the default is every hour at 17 minutes past.</summary>
    [Required]
    public string Cron { get; set; } = "0 17 * * * ?";

    /// <summary>Past this many segments the index is merged back into one.</summary>
    [Range(1, 1000)]
    public int MaxSegments { get; set; } = 8;

    /// <summary>Index pages merged per step; each step is one short write transaction (~2,000 pages: ~0.35 s here), so
    /// the gateway's own writes go on between steps.</summary>
    [Range(16, 1_000_000)]
    public int StepPages { get; set; } = 2000;
}
