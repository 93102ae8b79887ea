namespace ClpMailGateway.Domain;

/// <summary>Delivery health of one recipient address, fed by bounces of our mails (verified by their return path).
/// Each bounce adds to a score that decays over time; past a threshold the address is suppressed until the user turns it
/// back on in settings.</summary>
public sealed class AddressHealth
{
    /// <summary>Normalized address.</summary>
    public required string Address { get; set; }

    public int TransientBounces { get; set; }
    public int PermanentBounces { get; set; }
    public DateTime? LastBounceAtUtc { get; set; }
    public string? LastBounceDetail { get; set; }
    public DateTime? SuppressedAtUtc { get; set; }

    /// <summary>The bounce score as of <see cref="BounceScoreAtUtc"/>.</summary>
    public double BounceScore { get; set; }

    public DateTime? BounceScoreAtUtc { get; set; }

    /// <summary>The score now, decayed by <paramref name="halfLife"/> since it was last set (to three decimals: two bounces
    /// a moment apart add up to their sum, not a hair below it).</summary>
    public double ScoreAt(DateTime nowUtc, TimeSpan halfLife) =>
        BounceScoreAtUtc is { } at && nowUtc > at ? Math.Round(BounceScore * Math.Pow(0.5, (nowUtc - at) / halfLife), 3) : BounceScore;

    /// <summary>Counts a bounce and adds <paramref name="score"/>; suppresses the address when the decayed total reaches
    /// <paramref name="suppressAt"/>.</summary>
    /// <returns>True when this bounce suppressed the address.</returns>
    public bool Record(bool permanent, double score, double suppressAt, TimeSpan halfLife, DateTime nowUtc, string? detail)
    {
        if (permanent)
        {
            PermanentBounces++;
        }
        else
        {
            TransientBounces++;
        }

        BounceScore = ScoreAt(nowUtc, halfLife) + score;
        BounceScoreAtUtc = nowUtc;
        LastBounceAtUtc = nowUtc;
        LastBounceDetail = detail;
        if (SuppressedAtUtc is null && BounceScore >= suppressAt)
        {
            SuppressedAtUtc = nowUtc;
            return true;
        }

        return false;
    }

    /// <summary>A permanent refusal our own relay gave at once (RCPT TO, 5.1.x): not forgeable, so it suppresses at once.</summary>
    public void RecordPermanent(DateTime nowUtc, string? detail)
    {
        PermanentBounces++;
        LastBounceAtUtc = nowUtc;
        LastBounceDetail = detail;
        SuppressedAtUtc ??= nowUtc;
    }
}
