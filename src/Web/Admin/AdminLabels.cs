using Microsoft.Extensions.Localization;

namespace ClpMailGateway.Web.Admin;

/// <summary>Words the gateway stores or returns as codes (a refused row's field, an audit entry's entity, action and
/// actor), said in the reader's language; a code without a translation is shown as it is.</summary>
public static class AdminLabels
{
    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.Ordinal)
    {
        ["name"] = "Name", ["slug"] = "Slug", ["languages"] = "Languages", ["externalId"] = "ExternalId", ["emails"] = "Addresses",
        ["role"] = "Role", ["vendor"] = "Vendor", ["vendorId"] = "Vendor", ["title"] = "Title", ["titleId"] = "Title",
        ["primary"] = "Primary", ["admin"] = "Admin", ["active"] = "Active", ["handle"] = "Handle",
        ["rows"] = "Document", ["*"] = "Document", ["$"] = "Row",
    };

    /// <summary>A refused row's field ("slug", "emails") as the form labels it.</summary>
    public static string Field(IStringLocalizer<AdminStrings> strings, string field)
    {
        ArgumentNullException.ThrowIfNull(strings);
        return FieldLabels.TryGetValue(field, out var key) ? strings[key].Value : field;
    }

    public static string Entity(IStringLocalizer<AdminStrings> strings, string entity) => Known(strings, "Entity_", entity);

    public static string Action(IStringLocalizer<AdminStrings> strings, string action) => Known(strings, "Action_", action);

    public static string Actor(IStringLocalizer<AdminStrings> strings, string kind) => Known(strings, "Actor_", kind);

    private static string Known(IStringLocalizer<AdminStrings> strings, string prefix, string code)
    {
        ArgumentNullException.ThrowIfNull(strings);
        var text = strings[prefix + code];
        return text.ResourceNotFound ? code : text.Value;
    }
}
