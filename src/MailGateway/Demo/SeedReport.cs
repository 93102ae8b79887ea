using System.Text.Json.Serialization;

namespace ClpMailGateway.Demo;

/// <summary>The JSON lines <c>seed-demo</c> prints, as DESIGN.md specifies.</summary>
public abstract record SeedLine([property: JsonPropertyOrder(-1)] string Type);

public sealed record SeededTitle(string Slug, string Name, IReadOnlyList<string> Languages) : SeedLine("title");

public sealed record SeededVendor(string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Titles) : SeedLine("vendor");

public sealed record SeededUser(string Email, string Name, string Role, string? Vendor) : SeedLine("user");
