namespace ClpMailGateway.Tokens;

/// <summary>Keys that sign reply tokens (section <c>ReplyTokens</c>). Rotation: add a new key, make it current, and
/// remove the old one when its tokens should stop working (removing a key revokes every token signed with it).</summary>
public sealed class ReplyTokenOptions
{
    public const string SectionName = "ReplyTokens";

    /// <summary>The key id new tokens are signed with; must be one of <see cref="Keys"/>.</summary>
    public string CurrentKeyId { get; set; } = string.Empty;

    /// <summary>Key id (1–8 of a-z, 0-9) to base64 secret of at least 32 bytes. Keep them out of committed files
    /// (environment: <c>ReplyTokens__Keys__k1=...</c>).</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>A reply token stops working this long after the last notification that carried it (each one renews it).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(180);
}
