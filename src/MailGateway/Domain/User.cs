namespace ClpMailGateway.Domain;

public sealed class User
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>Unique mention handle (<c>@handle</c>), lower case.</summary>
    public required string Handle { get; set; }

    public UserRole Role { get; set; }
    public int? VendorId { get; set; }
    public Vendor? Vendor { get; set; }

    /// <summary>Operators may see and replay quarantined mail.</summary>
    public bool IsAdmin { get; set; }

    /// <summary>A deactivated user can neither read nor post, by web or by mail.</summary>
    public bool IsActive { get; set; } = true;

    public DateTime CreatedAtUtc { get; set; }

    /// <summary>The production system's id for the person; null for users made here.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Changes whenever the user's sessions must end (signing out, "sign out everywhere", deactivation): a
    /// session cookie carries the stamp it was made with and stops working when it differs.</summary>
    public string SecurityStamp { get; set; } = NewSecurityStamp();

    public static string NewSecurityStamp() => Guid.NewGuid().ToString("N");
    public List<UserEmail> Emails { get; } = [];
    public UserSettings? Settings { get; set; }
    public List<UserLanguage> Languages { get; } = [];

    public bool IsInternal => Role is UserRole.Pm or UserRole.Cpc;
}
