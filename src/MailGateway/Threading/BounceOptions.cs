using System.ComponentModel.DataAnnotations;

namespace ClpMailGateway.Threading;

/// <summary>How bounces of our mails count against an address (section <c>Bounces</c>), as Discourse scores them: a hard
/// bounce adds more than a soft one, the score decays, and an address is suppressed past a threshold.</summary>
public sealed class BounceOptions
{
    public const string SectionName = "Bounces";

    [Range(0.0, 100.0)]
    public double HardBounceScore { get; set; } = 2;

    [Range(0.0, 100.0)]
    public double SoftBounceScore { get; set; } = 1;

    /// <summary>At this score an address gets no more mail until its user turns it back on.</summary>
    [Range(0.1, 1000.0)]
    public double SuppressAtScore { get; set; } = 4;

    /// <summary>A score halves in this time without new bounces.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan ScoreHalfLife { get; set; } = TimeSpan.FromDays(7);
}
