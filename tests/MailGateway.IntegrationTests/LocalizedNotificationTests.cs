using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Domain;
using ClpMailGateway.IntegrationTests.Support;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace ClpMailGateway.IntegrationTests;

/// <summary>
/// Notifications in the reader's language as they arrive: posts in Japanese and in Arabic (with a Latin file name in the
/// Arabic sentence) sent by the real outbox through Postfix into Dovecot, read back over IMAP, for a staff reader who
/// chose Japanese in settings and a vendor who chose nothing and works in Arabic (their vendor's language applies).
/// Each mail: the subject's bracketed title and the channel in the reader's words, UTF-8 parts in the reader's words,
/// the text as posted, the HTML part's language and direction, and machine headers that are the same whatever the
/// language; a reply to each threads back into its channel.
/// </summary>
[Collection(MailServersGroup.Name)]
public sealed partial class LocalizedNotificationTests(MailServersFixture servers) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const string WebBaseUrl = "https://clp.example";

    /// <summary>Full-width punctuation, brackets and a Latin file name in Japanese.</summary>
    private const string JapaneseText = "「第4話」のロックカットが届きました！字幕のタイミングを再調整してください（金曜日までに、ep04-ja.srt で）。";

    /// <summary>A Latin file name inside right-to-left text, followed by Arabic punctuation: the classic bidi trap.</summary>
    private const string ArabicText = "تم تحديث الملف ep04-ar-final.srt، هل يمكنكم مراجعته قبل يوم الجمعة؟ شكراً!";

    private GatewayHarness _gateway = null!;
    private Title _title = null!;
    private User _pm = null!;
    private User _yuki = null!;
    private User _layla = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHarness.CreateAsync(servers, new Dictionary<string, string?> { ["Mail:WebBaseUrl"] = WebBaseUrl });
        var world = _gateway.World;
        _title = await world.TitleAsync("ar", "ja");
        var arabicVendor = await world.VendorAsync(_title, "ar");
        _pm = await world.UserAsync(UserRole.Pm);
        _yuki = await world.UserAsync(UserRole.Cpc);
        _layla = await world.UserAsync(UserRole.Vendor, arabicVendor, ["ar"]);
        await world.SaveAsync(db =>
        {
            db.Follows.AddRange(new[] { _pm, _yuki, _layla }.Select(u => new Follow { UserId = u.Id, TitleId = _title.Id }));
            db.UserSettings.Where(s => s.UserId == _yuki.Id).ToList().ForEach(s => s.Language = "ja");
        });
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Notifications_JapaneseChosenAndArabicVendor_ArriveInTheirLanguages_AndRepliesThread()
    {
        var japaneseMarker = "ja" + Guid.NewGuid().ToString("N")[..10];
        var arabicMarker = "ar" + Guid.NewGuid().ToString("N")[..10];
        var japanese = $"{JapaneseText} {japaneseMarker}";
        var arabic = $"{ArabicText} {arabicMarker}";
        await PostAsync("broadcast", japanese);
        await PostAsync("vendor-ar", arabic);
        await _gateway.SendOutboxAsync();

        var mails = new Dictionary<(string Reader, string Post), MimeMessage>();
        foreach (var (reader, language) in new[] { (_yuki, "ja"), (_layla, "ar") })
        {
            foreach (var (channel, text, marker) in new[] { ("broadcast", japanese, japaneseMarker), ("vendor-ar", arabic, arabicMarker) })
            {
                var mail = await servers.WaitForMessageAsync(Address(reader), marker, Wait);
                AssertInLanguage(mail, language, World.Channel(_title, channel), text);
                mails[(language, channel)] = mail;
            }
        }

        // The machine-read headers do not depend on the reader's language.
        foreach (var channel in new[] { "broadcast", "vendor-ar" })
        {
            Assert.Equal(MachineHeaders(mails[("ja", channel)]), MachineHeaders(mails[("ar", channel)]));
        }

        Assert.Equal(
            $"{_title.Name} · Broadcast <broadcast.{_title.Slug}.{MailServersFixture.Domain}>", mails[("ja", "broadcast")].Headers["List-Id"]);

        // A reply to each threads back: Yuki's to the Broadcast, Layla's to her language's channel.
        const string yukiReply = "承知しました。金曜日までに「第4話」を再調整します！";
        const string laylaReply = "تمت مراجعة الملف ep04-ar-final.srt، شكراً!";
        await _gateway.SendAsync(ReplyTo(mails[("ja", "broadcast")], _yuki, yukiReply));
        await _gateway.SendAsync(ReplyTo(mails[("ar", "vendor-ar")], _layla, laylaReply));
        await _gateway.WaitForInboxAsync(2);
        await _gateway.PollAsync();

        var broadcast = await _gateway.MessagesAsync(World.Channel(_title, "broadcast"));
        Assert.Equal((_yuki.Id, yukiReply, MessageOrigin.Email), (broadcast[^1].AuthorId, broadcast[^1].Text, broadcast[^1].Origin));
        var vendorAr = await _gateway.MessagesAsync(World.Channel(_title, "vendor-ar"));
        Assert.Equal((_layla.Id, laylaReply, MessageOrigin.Email), (vendorAr[^1].AuthorId, vendorAr[^1].Text, vendorAr[^1].Origin));
    }

    /// <summary>The mail is written for a reader of <paramref name="language"/> and carries <paramref name="text"/> as posted.</summary>
    private void AssertInLanguage(MimeMessage mail, string language, Channel channel, string text)
    {
        var words = MailTemplates.Shipped;
        var channelName = words.ChannelName(language, channel.Kind, channel.Language);
        Assert.Equal($"[{_title.Name}] {channelName}", mail.Subject);
        if (language != "en")
        {
            Assert.NotEqual(words.ChannelName("en", channel.Kind, channel.Language), channelName);
        }

        var plain = Assert.Single(mail.BodyParts.OfType<TextPart>(), p => p.IsPlain);
        var html = Assert.Single(mail.BodyParts.OfType<TextPart>(), p => p.IsHtml);
        Assert.Equal("utf-8", plain.ContentType.Charset, ignoreCase: true);
        Assert.Equal("utf-8", html.ContentType.Charset, ignoreCase: true);

        Assert.Contains(text, plain.Text, StringComparison.Ordinal);
        Assert.Contains(words.Text(language, "notification.reply_or_open"), plain.Text, StringComparison.Ordinal);
        var page = WebUtility.HtmlDecode(html.Text);
        Assert.Contains(text, page, StringComparison.Ordinal);
        Assert.Contains(words.Text(language, "notification.open"), page, StringComparison.Ordinal);
        Assert.Contains($"<html lang=\"{language}\" dir=\"{(language == "ar" ? "rtl" : "ltr")}\">", html.Text, StringComparison.Ordinal);
    }

    /// <summary>The machine-read headers with the per-recipient tokens replaced by a placeholder: their shape.</summary>
    private string MachineHeaders(MimeMessage mail)
    {
        var replyTo = Assert.Single(mail.ReplyTo.Mailboxes).Address;
        Assert.Matches($"^{_gateway.LocalPart}\\+[A-Za-z0-9_-]{{22,64}}@{Regex.Escape(MailServersFixture.Domain)}$", replyTo);
        var unsubscribe = mail.Headers["List-Unsubscribe"]!;
        Assert.Matches($"^<{Regex.Escape(WebBaseUrl)}/unsubscribe/[^>]+>, <mailto:[^>]+>$", unsubscribe);
        return string.Join(
            "\n",
            Token().Replace(replyTo, "+TOKEN@"),
            mail.Headers["List-Id"],
            UnsubscribeToken().Replace(unsubscribe, "$1TOKEN"),
            mail.Headers["List-Unsubscribe-Post"],
            mail.Headers["Auto-Submitted"],
            mail.Headers["X-CLP-Reason"],
            mail.From.Mailboxes.Single().Address);
    }

    /// <summary>A reply as a mail client writes one: to the notification's Reply-To, threaded on its Message-ID.</summary>
    private static MimeMessage ReplyTo(MimeMessage notification, User from, string text)
    {
        var reply = Mails.Reply(Address(from), notification.ReplyTo.Mailboxes.Single().Address, text);
        reply.Subject = "Re: " + notification.Subject;
        reply.InReplyTo = notification.MessageId;
        reply.References.AddRange(notification.References);
        reply.References.Add(notification.MessageId!);
        return reply;
    }

    private async Task PostAsync(string channel, string text)
    {
        var result = await _gateway.Database.WithAsync(s => s.GetRequiredService<MessagePoster>().PostAsync(
            new PostRequest(_pm.Id, World.Channel(_title, channel).Id, text, [], MessageOrigin.Web), CancellationToken.None));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    private static string Address(User user) => user.Emails[0].Address;

    [GeneratedRegex(@"\+[A-Za-z0-9_-]+@")]
    private static partial Regex Token();

    [GeneratedRegex(@"(/unsubscribe/|unsubscribe%20)[A-Za-z0-9_.~-]+")]
    private static partial Regex UnsubscribeToken();
}
