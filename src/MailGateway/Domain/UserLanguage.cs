namespace ClpMailGateway.Domain;

/// <summary>A language the user works on (enabled in settings).</summary>
public sealed class UserLanguage
{
    public int UserId { get; set; }
    public required string Language { get; set; }
}
