namespace ClpMailGateway.Domain;

/// <summary>What an API key may do: <see cref="Sync"/> upserts titles, vendors, people and assignments; <see cref="Admin"/>
/// may also give and take staff roles and the admin right.</summary>
public static class ApiScopes
{
    public const string Sync = "sync";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Sync, Admin];
}
