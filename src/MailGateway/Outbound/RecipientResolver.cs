using ClpMailGateway.Domain;
using ClpMailGateway.Permissions;

namespace ClpMailGateway.Outbound;

/// <summary>
/// Who a message goes to. Pure: the followers of the title who may read the channel (<see cref="ChannelPolicy"/>) and
/// want mail for its kind, plus the users mentioned in it who may read the channel, minus the author, inactive users,
/// users without an address and suppressed addresses.
/// <list type="bullet">
/// <item>A mention reaches a non-follower at once, whatever the delivery of the channel's kind (Digest or Off), unless
/// the user turned mentions off. A mention never widens the audience: it too needs read access.</item>
/// <item>A follower of the title or of the channel gets its mail unless they muted the channel or its title (the
/// one-click unsubscribe of its mails, or the web's mute): a mute wins over any follow. A mention still reaches a user
/// who muted, unless they turned mentions off (<see cref="UserSettings.MentionsEnabled"/>).</item>
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
            if (member.UserId == authorId || !seen.Add(member.UserId) || WhyNoMail(member, kind, language) is not null)
            {
                continue;
            }

            var address = member.Address!;
            if (member.IsMentioned && member.MentionsEnabled)
            {
                recipients.Add(new Recipient(member.UserId, member.Name, address, DeliveryMode.Immediate, RecipientReason.Mention) { TimeZone = member.TimeZone, Language = member.Language });
            }
            else if (member.IsFollower && !member.Muted && member.Delivery != DeliveryMode.Off && WantsAsFollower(member.Reader, kind, language))
            {
                recipients.Add(new Recipient(member.UserId, member.Name, address, member.Delivery, RecipientReason.Follower) { TimeZone = member.TimeZone, Language = member.Language });
            }
        }

        return recipients;
    }

    /// <summary>Why the user can get no mail about a message in this channel at all, or null when they can (whether they
    /// do then depends on following, muting, mentions and their delivery settings).</summary>
    public static UnmailedReason? NoMailReason(AudienceMember member, ChannelKind kind, string? language)
    {
        ArgumentNullException.ThrowIfNull(member);
        return !member.Reader.IsActive ? UnmailedReason.Deactivated
            : !ChannelPolicy.Decide(member.Reader, kind, language).CanRead ? UnmailedReason.CannotRead
            : member.Address is not { Length: > 0 } ? UnmailedReason.NoAddress
            : member.Suppressed ? UnmailedReason.Suppressed
            : null;
    }

    /// <summary><see cref="NoMailReason"/> in English words.</summary>
    public static string? WhyNoMail(AudienceMember member, ChannelKind kind, string? language) =>
        NoMailReason(member, kind, language) is { } reason ? Describe(reason) : null;

    /// <summary>Why a mention of the user sends them no mail, or null when it does.</summary>
    public static UnmailedReason? MentionUnmailedReason(AudienceMember member, ChannelKind kind, string? language)
    {
        ArgumentNullException.ThrowIfNull(member);
        return NoMailReason(member, kind, language) ?? (member.MentionsEnabled ? null : UnmailedReason.MentionsOff);
    }

    /// <summary><see cref="MentionUnmailedReason"/> in English words.</summary>
    public static string? WhyMentionUnmailed(AudienceMember member, ChannelKind kind, string? language) =>
        MentionUnmailedReason(member, kind, language) is { } reason ? Describe(reason) : null;

    /// <summary>The reason in English, for the CLI and logs.</summary>
    public static string Describe(UnmailedReason reason) => reason switch
    {
        UnmailedReason.Deactivated => "their account is deactivated",
        UnmailedReason.CannotRead => "they cannot read this channel",
        UnmailedReason.NoAddress => "they have no mail address",
        UnmailedReason.Suppressed => "mail to their address is paused because it bounced",
        UnmailedReason.MentionsOff => "they turned mention mails off",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    private static bool WantsAsFollower(ReaderContext reader, ChannelKind kind, string? language) =>
        kind != ChannelKind.Vendor || !reader.IsInternal || reader.EnabledLanguages.Count == 0
        || (language is not null && reader.EnabledLanguages.Contains(language));
}
