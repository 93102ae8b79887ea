namespace ClpMailGateway.Domain;

/// <summary>The <see cref="OutboundMail.Purpose"/> values.</summary>
public static class OutboundPurposes
{
    public const string Notification = "notification";
    public const string Digest = "digest";
    public const string Rejection = "rejection";

    /// <summary>Mails to our own users about messages: a permanent refusal of one suppresses the address. Rejections go
    /// to whoever wrote to us, and other features' mails (sign-in) decide for themselves.</summary>
    public static bool SuppressesOnPermanentFailure(string purpose) => purpose is Notification or Digest;
}
