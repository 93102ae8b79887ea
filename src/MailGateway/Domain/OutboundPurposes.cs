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

    /// <summary>Mails whose composer declares each 8-bit part (<see cref="Outbound.StoredMail.DeclareEightBit"/>), so
    /// that they can be sent as stored to a server with 8BITMIME. Rejections and sign-in mails, few, are parsed and
    /// prepared by MimeKit when sent.</summary>
    public static bool DeclaresEightBit(string purpose) => purpose is Notification or Digest;
}
