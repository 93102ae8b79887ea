using ClpMailGateway.Checks;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Threading;
using MimeKit;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>One mail of each kind, written by the real composers, with the values people choose (names, titles, message
/// text, file names, subjects) taken from <see cref="Values"/>: ordinary ones for the snapshots, hostile ones for the
/// abuse tests.</summary>
internal static class MailSamples
{
    public static readonly MailOptions Mail = new() { Domain = "clp.test", WebBaseUrl = "https://clp.example/", GatewayName = "CLP Mail Gateway" };

    public static readonly DateTime At = new(2026, 11, 27, 9, 30, 0, DateTimeKind.Utc);

    /// <summary>The values a mail carries that users or senders chose.</summary>
    public sealed record Values(string Person, string Title, string Text, string FileName, string Subject)
    {
        public static Values Ordinary { get; } = new("Léa Martin", "Blue Harbor S2", "Reel 2 timeline is fixed.\nPlease check the **conform**.", "timeline.srt", "Re: timeline");
    }

    public static MimeMessage Compose(string kind, string language, Values values)
    {
        var templates = MailTemplates.Shipped;
        var to = new MailboxAddress(values.Person, "lea@vendor.example");
        return kind switch
        {
            "notification" => NotificationComposer.Compose(
                Mail, templates, Content(values), new Recipient(42, values.Person, "lea@vendor.example", DeliveryMode.Immediate, RecipientReason.Mention)
                { Language = language, TimeZone = "Europe/Paris" },
                "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "t1_bbbbbbbbbbbbbbbbbbbbbbbb", 5 * 1024 * 1024),
            "digest" => DigestComposer.Compose(Mail, templates, new DigestContent(77, 42, values.Person, "lea@vendor.example", At,
                [
                    new DigestGroup(values.Title, "blue-harbor-s2", 5, "broadcast", "Broadcast", [new DigestEntry(1, values.Person, At.AddMinutes(-50), values.Text, 0)])
                    {
                        Kind = ChannelKind.Broadcast,
                    },
                    new DigestGroup(values.Title, "blue-harbor-s2", 7, "vendor-ja", "Vendor · Japanese (ja)", [new DigestEntry(2, values.Person, At.AddMinutes(-40), values.Text, 2)])
                    {
                        Kind = ChannelKind.Vendor,
                        ChannelLanguage = "ja",
                    },
                ],
                "t1_digesttoken", "Asia/Tokyo", language)),
            "rejection" => RejectionComposer.Compose(Mail, templates, language, Original(values), to.Address, RejectReasons.DigestReply, new RejectionFacts
            {
                Channels =
                [
                    new RejectionChannel(values.Title, ChannelKind.Broadcast, null, "Broadcast", "https://clp.example/titles/blue-harbor-s2/broadcast"),
                    new RejectionChannel(values.Title, ChannelKind.Vendor, "ja", "Vendor · Japanese (ja)", "https://clp.example/titles/blue-harbor-s2/vendor-ja"),
                ],
            }, values.Text, At),
            "signin" => SignInMail.Compose(Mail, templates, language, to.Address, values.Person, "https://clp.example/signin/link/abc", TimeSpan.FromMinutes(15), At),
            "confirm" => AddressVerificationMail.Compose(Mail, templates, language, to.Address, values.Person, "https://clp.example/settings/addresses/verify/abc", TimeSpan.FromHours(48), At),
            "held" => HeldRepliesNotice.Compose(Mail, templates, language, to, "Ops Admin", values.Person, 12, 10,
                new RejectionChannel(values.Title, ChannelKind.Vendor, "ja", "Vendor · Japanese (ja)", "https://clp.example/titles/blue-harbor-s2/vendor-ja"), At),
            "test" => SmtpTestMail.Compose(Mail, templates, language, "notifications@clp.test", to.Address, new DateTimeOffset(At)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>A rejection quoting a sender's mail, for the abuse cases of one reason with a file name.</summary>
    public static MimeMessage AttachmentRejection(string language, Values values) =>
        RejectionComposer.Compose(Mail, MailTemplates.Shipped, language, Original(values), "lea@vendor.example", RejectReasons.AttachmentTooLarge,
            new RejectionFacts { File = values.FileName, Size = "12 MB", Limit = "10 MB" }, values.Text, At);

    public static NotificationContent Content(Values values) => new(
        1234, values.Text, At, values.Person, 7, ChannelKind.Vendor, "vendor-ja", "Vendor · Japanese (ja)", "blue-harbor-s2", values.Title,
        [new NotificationFile(9, values.FileName, "application/pdf", 2048, new byte[2048])])
    {
        ChannelLanguage = "ja",
    };

    private static MimeMessage Original(Values values)
    {
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress(values.Person, "lea@vendor.example"));
        original.To.Add(MailboxAddress.Parse("reply@clp.test"));
        original.Subject = values.Subject;
        original.MessageId = "orig-1@vendor.example";
        original.Date = new DateTimeOffset(At.AddMinutes(-1));
        original.Body = new TextPart("plain") { Text = values.Text };
        return original;
    }
}
