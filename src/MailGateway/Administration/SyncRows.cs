using System.Text.Json.Serialization;

namespace ClpMailGateway.Administration;

/// <summary>What the production system (or an admin) says about titles, vendors, people and assignments: the body of
/// <c>POST /api/v1/import</c> and the file of <c>gw import</c>. A row names its entity by <c>externalId</c> (the
/// production system's id) or, from the web, by <c>id</c>; a row naming neither creates one. A field left out (null) keeps
/// what is stored.</summary>
public sealed class SyncDocument
{
    public List<TitleRow> Titles { get; set; } = [];
    public List<VendorRow> Vendors { get; set; } = [];
    public List<UserRow> Users { get; set; } = [];
    public List<AssignmentRow> Assignments { get; set; } = [];

    [JsonIgnore]
    public int RowCount => Titles.Count + Vendors.Count + Users.Count + Assignments.Count;
}

/// <summary>Where a row came from, for its errors: the line of the file or request body it starts on.</summary>
public abstract class SyncRow
{
    [JsonIgnore]
    public int? Line { get; set; }

    public int? Id { get; set; }
    public string? ExternalId { get; set; }
}

public sealed class TitleRow : SyncRow
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public List<string>? Languages { get; set; }
    public bool? Archived { get; set; }
}

public sealed class VendorRow : SyncRow
{
    public string? Name { get; set; }
}

public sealed class UserRow : SyncRow
{
    public string? Name { get; set; }

    /// <summary>The mention handle; made from the first address when a new user has none.</summary>
    public string? Handle { get; set; }

    /// <summary>The first is the primary address.</summary>
    public List<string>? Emails { get; set; }

    /// <summary><c>pm</c>, <c>cpc</c> or <c>vendor</c>.</summary>
    public string? Role { get; set; }

    /// <summary>The vendor's external id (vendor users only).</summary>
    public string? Vendor { get; set; }

    /// <summary>The vendor's id here, for the web's forms.</summary>
    public int? VendorId { get; set; }

    public bool? Admin { get; set; }
    public List<string>? Languages { get; set; }
    public bool? Active { get; set; }
}

/// <summary>A vendor's languages on a title, all of them: languages left out are taken away, an empty list removes the
/// assignment.</summary>
public sealed class AssignmentRow
{
    [JsonIgnore]
    public int? Line { get; set; }

    /// <summary>The vendor's external id.</summary>
    public string? Vendor { get; set; }

    public int? VendorId { get; set; }

    /// <summary>The title's external id.</summary>
    public string? Title { get; set; }

    public int? TitleId { get; set; }
    public List<string> Languages { get; set; } = [];

    /// <summary>The vendor's main language on the title; the first language when left out.</summary>
    public string? Primary { get; set; }
}
