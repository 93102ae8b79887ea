namespace ClpMailGateway.Domain;

/// <summary>Delivery health of one recipient address, fed by bounces of our notifications. A permanent bounce suppresses
/// notifications to the address until the user re-enables it in settings.</summary>
public sealed class AddressHealth
{
    /// <summary>Normalized address.</summary>
    public required string Address { get; set; }

    public int TransientBounces { get; set; }
    public int PermanentBounces { get; set; }
    public DateTime? LastBounceAtUtc { get; set; }
    public string? LastBounceDetail { get; set; }
    public DateTime? SuppressedAtUtc { get; set; }

    /// <summary>A temporary failure: counted, nothing suppressed.</summary>
    public void RecordTransient(DateTime nowUtc, string? detail)
    {
        TransientBounces++;
        LastBounceAtUtc = nowUtc;
        LastBounceDetail = detail;
    }

    /// <summary>A permanent failure: counted, and notifications to the address stop (from the first one on).</summary>
    public void RecordPermanent(DateTime nowUtc, string? detail)
    {
        PermanentBounces++;
        LastBounceAtUtc = nowUtc;
        LastBounceDetail = detail;
        SuppressedAtUtc ??= nowUtc;
    }
}
