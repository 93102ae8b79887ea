namespace ClpMailGateway.Outbound;

/// <summary>Why someone gets a notification; sent as <c>X-CLP-Reason</c>.</summary>
public enum RecipientReason
{
    Follower = 1,
    Mention = 2,
}
