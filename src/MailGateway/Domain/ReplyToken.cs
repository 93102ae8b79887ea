namespace ClpMailGateway.Domain;

/// <summary>A reply capability: mails to <c>reply+TOKEN@domain</c> post as <see cref="UserId"/> in <see cref="ChannelId"/>,
/// when the sender is one of that user's addresses. The token text is derived from <see cref="Id"/> and an HMAC under
/// key <see cref="KeyId"/>; nothing secret is stored.</summary>
public sealed class ReplyToken
{
    /// <summary>Random 64-bit identifier (not sequential).</summary>
    public long Id { get; set; }

    public int UserId { get; set; }
    public int ChannelId { get; set; }
    public required string KeyId { get; set; }
    public DateTime CreatedAtUtc { get; set; }
    public DateTime? RevokedAtUtc { get; set; }

    /// <summary>When a notification last carried the token (each one renews it); it expires
    /// <see cref="Tokens.ReplyTokenOptions.Lifetime"/> after that. Null: as <see cref="CreatedAtUtc"/>.</summary>
    public DateTime? RenewedAtUtc { get; set; }
}
