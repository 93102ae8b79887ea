namespace ClpMailGateway.Web.Admin;

/// <summary>The strings of the admin pages: titles, vendors, users, assignments, API keys and the audit (AdminStrings.*.resx).</summary>
public sealed class AdminStrings;
