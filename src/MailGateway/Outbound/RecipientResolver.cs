using ClpMailGateway.Domain;
using ClpMailGateway.Permissions;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Who a message goes to. Pure: the followers of the title who may read the channel (<see cref="ChannelPolicy"/>) and
/// want mail for its kind, plus the users mentioned in it who may read the channel, minus the author, inactive users,
/// users without an address and suppressed addresses.
/// <list type="bullet">
/// <item>A mention reaches a non-follower, and reaches a Digest follower at once, but respects Off (they unsubscribed).
/// A mention never widens the audience: it too needs read access.</item>
/// <item>Internal followers get a Vendor channel's mail only for the languages in their settings, when they set any
/// (none set: every language).</item>
/// </list>
/// </summary>
public static class RecipientResolver
{
    public static IReadOnlyList<Recipient> Resolve(ChannelKind kind, string? language, int authorId, IEnumerable<AudienceMember> audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var recipients = new List<Recipient>();
        var seen = new HashSet<int>();
        foreach (var member in audience.OrderBy(m => m.UserId))
        {
            if (member.UserId == authorId || !seen.Add(member.UserId) || !member.Reader.IsActive
                || member.Address is not { Length: > 0 } address || member.Suppressed || member.Delivery == DeliveryMode.Off
                || !ChannelPolicy.Decide(member.Reader, kind, language).CanRead)
            {
                continue;
            }

            if (member.IsMentioned)
            {
                recipients.Add(new Recipient(member.UserId, member.Name, address, DeliveryMode.Immediate, RecipientReason.Mention));
            }
            else if (member.IsFollower && WantsAsFollower(member.Reader, kind, language))
            {
                recipients.Add(new Recipient(member.UserId, member.Name, address, member.Delivery, RecipientReason.Follower));
            }
        }

        return recipients;
    }

    private static bool WantsAsFollower(ReaderContext reader, ChannelKind kind, string? language) =>
        kind != ChannelKind.Vendor || !reader.IsInternal || reader.EnabledLanguages.Count == 0
        || (language is not null && reader.EnabledLanguages.Contains(language));
}
