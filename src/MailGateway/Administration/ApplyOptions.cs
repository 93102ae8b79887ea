namespace ClpMailGateway.Administration;

/// <param name="DryRun">Validate and report the changes, write nothing.</param>
/// <param name="MayChangeRoles">Whether the caller may give or take staff roles and the admin right (admins and API keys
/// with the admin scope); without it a row may still create vendor and staff users, but no admin.</param>
/// <param name="RequireExternalIds">Every row names its entity by external id (the sync API and import).</param>
public sealed record ApplyOptions(bool DryRun, bool MayChangeRoles, bool RequireExternalIds);
