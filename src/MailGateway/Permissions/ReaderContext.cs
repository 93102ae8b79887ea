using ClpMailGateway.Domain;

namespace ClpMailGateway.Permissions;

/// <summary>What the permission policy needs to know about one user on one title. Language tags are canonical.</summary>
/// <param name="VendorLanguagesOnTitle">The languages the user's vendor is assigned on the title (empty for internal users).</param>
/// <param name="TitleArchived">The title is archived: what may be read stays readable, nobody posts.</param>
public sealed record ReaderContext(
    UserRole Role,
    bool IsActive,
    bool InternalMessagesEnabled,
    IReadOnlySet<string> EnabledLanguages,
    IReadOnlySet<string> VendorLanguagesOnTitle,
    bool TitleArchived = false)
{
    public bool IsInternal => Role is UserRole.Pm or UserRole.Cpc;
}
