namespace ClpMailGateway.Administration;

/// <summary>The outcome of an apply: either errors (nothing changed) or the changes made (or that would be made, in a
/// dry run).</summary>
public sealed record AdminResult(IReadOnlyList<RowError> Errors, IReadOnlyList<AdminChange> Changes, bool DryRun)
{
    public bool Succeeded => Errors.Count == 0;
}
