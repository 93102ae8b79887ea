using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Permissions;

namespace ClpMailGateway.Tests.Outbound;

public class RecipientResolverTests
{
    // role | channel (vendor = Vendor FR) | Internal messages | vendor assigned on the title (none, fr = fr+de, other = de)
    // | languages in the user's settings (none, fr, de, frde) | delivery mode for the kind | follows | mentioned | suppressed
    // | expected: none, now (immediate, follower), digest (digest, follower), mention (immediate, mention)
    private const string Table = """
        pm     internal  on  none  none imm    y n n now
        pm     internal  on  none  none digest y n n digest
        pm     internal  on  none  none off    y n n none
        pm     internal  off none  none imm    y n n none
        pm     internal  off none  none imm    n y n none
        pm     internal  on  none  none imm    n y n mention
        pm     internal  on  none  none digest n y n mention
        pm     internal  on  none  none digest y y n mention
        pm     internal  on  none  none off    n y n mention
        pm     internal  on  none  none imm    y n y none
        pm     internal  on  none  none imm    n y y none
        pm     internal  on  none  none imm    n n n none
        cpc    internal  on  none  none imm    y n n now
        cpc    internal  off none  none digest y n n none
        pm     broadcast off none  none imm    y n n now
        pm     broadcast on  none  none digest y n n digest
        pm     broadcast on  none  none off    y y n mention
        cpc    broadcast off none  de   imm    y n n now
        pm     vendor    on  none  none imm    y n n now
        pm     vendor    on  none  fr   imm    y n n now
        pm     vendor    on  none  frde imm    y n n now
        pm     vendor    on  none  de   imm    y n n none
        pm     vendor    on  none  de   imm    y y n mention
        pm     vendor    on  none  de   digest y n n none
        pm     vendor    off none  fr   digest y n n digest
        cpc    vendor    on  none  de   off    y y n mention
        cpc    vendor    on  none  none imm    n n n none
        cpc    vendor    on  none  none imm    y n y none
        vendor internal  on  fr    fr   imm    y n n none
        vendor internal  on  fr    fr   imm    n y n none
        vendor broadcast on  fr    fr   imm    y n n now
        vendor broadcast on  fr    none imm    y n n now
        vendor broadcast on  other de   digest y n n digest
        vendor broadcast on  none  fr   imm    y n n none
        vendor broadcast on  none  fr   imm    n y n none
        vendor broadcast on  fr    fr   off    y n n none
        vendor broadcast on  fr    fr   digest n y n mention
        vendor broadcast on  fr    fr   imm    y n y none
        vendor vendor    on  fr    fr   imm    y n n now
        vendor vendor    off fr    frde digest y n n digest
        vendor vendor    on  fr    de   imm    y n n none
        vendor vendor    on  fr    de   imm    n y n none
        vendor vendor    on  fr    none imm    y n n none
        vendor vendor    on  other fr   imm    y n n none
        vendor vendor    on  other fr   imm    n y n none
        vendor vendor    on  none  fr   imm    y n n none
        vendor vendor    on  fr    fr   off    y y n mention
        vendor vendor    on  fr    fr   digest y y n mention
        vendor vendor    on  fr    fr   imm    n y n mention
        vendor vendor    on  fr    fr   imm    n y y none
        vendor vendor    on  fr    fr   imm    n n n none
        """;

    private const int AuthorId = 1;
    private const int UserId = 42;

    public static TheoryData<string> Rows()
    {
        var data = new TheoryData<string>();
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            data.Add(line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Resolve_TableRow_GivesExpectedDelivery(string row)
    {
        var f = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (kind, language) = Channel(f[1]);
        var member = Member(UserId, f[0], internalOn: f[2] == "on", f[3], f[4], Mode(f[5]), follows: f[6] == "y", mentioned: f[7] == "y", suppressed: f[8] == "y");

        var recipients = RecipientResolver.Resolve(kind, language, AuthorId, [member]);

        Assert.Equal(f[9], Describe(recipients));
    }

    [Fact]
    public void Table_RowsAreDistinct()
    {
        var rows = Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => string.Join(' ', r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..9])).ToList();

        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Resolve_AuthorFollowsAndIsMentioned_IsLeftOut()
    {
        var author = Member(AuthorId, "pm", true, "none", "none", DeliveryMode.Immediate, follows: true, mentioned: true, suppressed: false);

        Assert.Empty(RecipientResolver.Resolve(ChannelKind.Broadcast, null, AuthorId, [author]));
    }

    [Fact]
    public void Resolve_DeactivatedMentionedFollower_IsLeftOut()
    {
        var member = Member(UserId, "pm", true, "none", "none", DeliveryMode.Immediate, follows: true, mentioned: true, suppressed: false) with
        {
            Reader = new ReaderContext(UserRole.Pm, false, true, new HashSet<string>(), new HashSet<string>()),
        };

        Assert.Empty(RecipientResolver.Resolve(ChannelKind.Broadcast, null, AuthorId, [member]));
    }

    [Fact]
    public void Resolve_MutedFollower_GetsNoMail()
    {
        var member = Member(UserId, "vendor", true, "fr", "fr", DeliveryMode.Immediate, follows: true, mentioned: false, suppressed: false) with { Muted = true };

        Assert.Empty(RecipientResolver.Resolve(ChannelKind.Vendor, "fr", AuthorId, [member]));
    }

    [Theory]
    [InlineData(true, "mention")]
    [InlineData(false, "none")]
    public void Resolve_MutedAndMentioned_MailedOnlyWhenMentionsAreOn(bool mentionsEnabled, string expected)
    {
        var member = Member(UserId, "vendor", true, "fr", "fr", DeliveryMode.Immediate, follows: true, mentioned: true, suppressed: false)
            with { Muted = true, MentionsEnabled = mentionsEnabled };

        var recipients = RecipientResolver.Resolve(ChannelKind.Vendor, "fr", AuthorId, [member]);

        Assert.Equal(expected, recipients.Count == 0 ? "none" : recipients[0].Reason == RecipientReason.Mention ? "mention" : "follower");
        Assert.Equal(mentionsEnabled ? null : "they turned mention mails off", RecipientResolver.WhyMentionUnmailed(member, ChannelKind.Vendor, "fr"));
    }

    [Fact]
    public void Resolve_Recipient_CarriesTheUsersTimeZone()
    {
        var member = Member(UserId, "vendor", true, "fr", "fr", DeliveryMode.Immediate, follows: true, mentioned: false, suppressed: false) with { TimeZone = "Europe/Paris" };

        Assert.Equal("Europe/Paris", Assert.Single(RecipientResolver.Resolve(ChannelKind.Vendor, "fr", AuthorId, [member])).TimeZone);
    }

    [Theory]
    [InlineData(DeliveryMode.Immediate, "now")]
    [InlineData(DeliveryMode.Digest, "digest")]
    [InlineData(DeliveryMode.Off, "none")]
    public void Resolve_MentionsOff_FollowerGetsWhatTheKindSays(DeliveryMode delivery, string expected)
    {
        var member = Member(UserId, "vendor", true, "fr", "fr", delivery, follows: true, mentioned: true, suppressed: false) with { MentionsEnabled = false };

        Assert.Equal(expected, Describe(RecipientResolver.Resolve(ChannelKind.Vendor, "fr", AuthorId, [member])));
        Assert.Equal("they turned mention mails off", RecipientResolver.WhyMentionUnmailed(member, ChannelKind.Vendor, "fr"));
    }

    [Fact]
    public void WhyMentionUnmailed_Mailable_IsNull()
    {
        var member = Member(UserId, "vendor", true, "fr", "fr", DeliveryMode.Off, follows: false, mentioned: true, suppressed: false);

        Assert.Null(RecipientResolver.WhyMentionUnmailed(member, ChannelKind.Vendor, "fr"));
        Assert.Equal("they cannot read this channel", RecipientResolver.WhyMentionUnmailed(member, ChannelKind.Vendor, "de"));
    }

    [Fact]
    public void Resolve_UserWithoutAddress_IsLeftOut()
    {
        var member = Member(UserId, "pm", true, "none", "none", DeliveryMode.Immediate, follows: true, mentioned: false, suppressed: false) with { Address = null };

        Assert.Empty(RecipientResolver.Resolve(ChannelKind.Broadcast, null, AuthorId, [member]));
    }

    [Fact]
    public void Resolve_SameUserTwice_IsListedOnceInUserOrder()
    {
        var first = Member(7, "pm", true, "none", "none", DeliveryMode.Immediate, true, false, false);
        var second = Member(3, "cpc", true, "none", "none", DeliveryMode.Digest, true, false, false);

        var recipients = RecipientResolver.Resolve(ChannelKind.Broadcast, null, AuthorId, [first, second, first]);

        Assert.Equal([3, 7], recipients.Select(r => r.UserId));
        Assert.Equal([DeliveryMode.Digest, DeliveryMode.Immediate], recipients.Select(r => r.Delivery));
        Assert.Equal("u7@clp.test", recipients[1].Address);
    }

    private static AudienceMember Member(
        int userId, string role, bool internalOn, string assignment, string languages, DeliveryMode delivery, bool follows, bool mentioned, bool suppressed)
    {
        var userRole = role switch
        {
            "pm" => UserRole.Pm,
            "cpc" => UserRole.Cpc,
            _ => UserRole.Vendor,
        };
        var enabled = languages switch
        {
            "none" => [],
            "frde" => new[] { "fr", "de" },
            _ => new[] { languages },
        };
        var assigned = assignment switch
        {
            "fr" => new[] { "fr", "de" },
            "other" => ["de"],
            _ => [],
        };
        var reader = new ReaderContext(userRole, true, internalOn, enabled.ToHashSet(StringComparer.Ordinal), assigned.ToHashSet(StringComparer.Ordinal));
        return new AudienceMember(userId, $"User {userId}", reader, delivery, follows, mentioned, $"u{userId}@clp.test", suppressed);
    }

    private static (ChannelKind Kind, string? Language) Channel(string name) => name switch
    {
        "internal" => (ChannelKind.Internal, null),
        "broadcast" => (ChannelKind.Broadcast, null),
        _ => (ChannelKind.Vendor, "fr"),
    };

    private static DeliveryMode Mode(string mode) => mode switch
    {
        "imm" => DeliveryMode.Immediate,
        "digest" => DeliveryMode.Digest,
        _ => DeliveryMode.Off,
    };

    private static string Describe(IReadOnlyList<Recipient> recipients)
    {
        if (recipients.Count == 0)
        {
            return "none";
        }

        var recipient = Assert.Single(recipients);
        Assert.Equal(UserId, recipient.UserId);
        return (recipient.Delivery, recipient.Reason) switch
        {
            (DeliveryMode.Immediate, RecipientReason.Follower) => "now",
            (DeliveryMode.Digest, RecipientReason.Follower) => "digest",
            (DeliveryMode.Immediate, RecipientReason.Mention) => "mention",
            _ => $"unexpected {recipient.Delivery}/{recipient.Reason}",
        };
    }
}
