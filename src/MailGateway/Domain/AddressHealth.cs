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
}
