namespace ClpMailGateway.Outbound;

/// <summary>One digest for one user: new messages grouped by title and channel.</summary>
/// <param name="UnsubscribeToken">The token of the digest's one-click unsubscribe link, which turns digests off
/// (<see cref="Unsubscribe.UnsubscribeScope.Digest"/>).</param>
/// <param name="TimeZone">The reader's IANA zone, which the messages' times are shown in (the Date header stays UTC).</param>
/// <param name="Language">The shipped language the digest is written in.</param>
public sealed record DigestContent(
    long DigestId, int UserId, string Name, string Address, DateTime CreatedAtUtc, IReadOnlyList<DigestGroup> Groups, string UnsubscribeToken,
    string TimeZone = Rendering.ReaderTime.Utc, string Language = Localization.MailLanguages.English);
