namespace ClpMailGateway.Parsing;

/// <summary>A delivery report: a failure (<see cref="Type"/> set) or a success notice.</summary>
internal sealed record BounceInfo(BounceType? Type, string? Recipient, bool IsSuccessReport);
