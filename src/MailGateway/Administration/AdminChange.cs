namespace ClpMailGateway.Administration;

/// <summary>One change an apply made (or, in a dry run, would make): the entity, its key as people know it, the action,
/// and its state before and after as JSON.</summary>
public sealed record AdminChange(string Entity, string Key, string Action, string? Before, string? After);
