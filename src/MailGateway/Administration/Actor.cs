namespace ClpMailGateway.Administration;

/// <summary>Who makes an administrative change, as the audit records it.</summary>
public sealed record Actor(string Kind, int? Id, string Name)
{
    public static Actor ForUser(int userId, string address) => new("user", userId, address);

    public static Actor ForApiKey(int keyId, string keyName) => new("api_key", keyId, keyName);

    public static Actor ForCommandLine() => new("cli", null, Environment.UserName);
}
