using ClpMailGateway.Parsing;
using MimeKit;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Every vendor language x client style: Gmail and Apple Mail quote headers (above a '&gt;' quote), Outlook's
/// From/Sent/To/Subject block (above unquoted history), the mobile footer, the out-of-office subject.</summary>
public sealed class LocalizedReplyTests
{
    private const string Answer = "The French subtitles are fixed in v2.";
    private const string History = "Please check the subtitles of episode 3 before Friday.";

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Trim_GmailQuoteHeader_KeepsOnlyTheAnswer(string tag) =>
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n{LocalizedClientStrings.For(tag).Gmail}\n\n> {History}\n>\n> Anna\n"));

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Trim_GmailQuoteHeaderWrappedOverTwoLines_KeepsOnlyTheAnswer(string tag)
    {
        var header = LocalizedClientStrings.For(tag).Gmail;
        var wrapAt = header.LastIndexOf(' ', 40);
        var wrapped = header[..wrapAt] + "\n" + header[(wrapAt + 1)..];
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n{wrapped}\n\n> {History}\n"));
    }

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Trim_AppleMailQuoteHeader_KeepsOnlyTheAnswer(string tag) =>
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n{LocalizedClientStrings.For(tag).AppleMail}\n\n> {History}\n"));

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Trim_OutlookHeaderBlock_DropsTheUnquotedHistory(string tag) =>
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n________________________________\n{LocalizedClientStrings.For(tag).Outlook}\n\n{History}\n\nAnna\n"));

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Trim_OutlookHeaderBlockWithoutSeparator_DropsTheUnquotedHistory(string tag) =>
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n{LocalizedClientStrings.For(tag).Outlook}\n\n{History}\n"));

    /// <summary>Thunderbird's reply header, in its localized builds: the author's name without an address.</summary>
    public static TheoryData<string> ThunderbirdHeaders =>
    [
        "On 27.11.26 10:00, Anna Smith wrote:",
        "Am 27.11.26 um 10:00 schrieb Anna Smith:",
        "Le 27/11/2026 à 10:00, Anna Smith a écrit :",
        "Op 27-11-2026 om 10:00 schreef Anna Smith:",
        "El 27/11/26 a las 10:00, Anna Smith escribió:",
        "Il 27/11/26 10:00, Anna Smith ha scritto:",
        "Em 27/11/2026 10:00, Anna Smith escreveu:",
        "Den 2026-11-27 kl. 10:00, skrev Anna Smith:",
        "W dniu 27.11.2026 o 10:00, Anna Smith pisze:",
        "27.11.2026 10:00, Anna Smith пишет:",
    ];

    [Theory]
    [MemberData(nameof(ThunderbirdHeaders))]
    public void Trim_ThunderbirdQuoteHeader_KeepsOnlyTheAnswer(string header) =>
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n{header}\n\n> {History}\n>\n> Anna\n"));

    /// <summary>The same words written by the person, with no quote below: their text, kept whole.</summary>
    [Fact]
    public void Trim_DateAndVerbLineNotAboveAQuote_IsKeptAsText()
    {
        const string Reply = "Danke!\n\nAm 27.11. um 10:00 schrieb ich dir:\n\nRolle 2 ist fertig, Rolle 3 folgt morgen.";

        Assert.Equal(Reply, ReplyTrimmer.Trim(Reply));
    }

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Trim_MobileFooter_IsRemoved(string tag) =>
        Assert.Equal(Answer, ReplyTrimmer.Trim($"{Answer}\n\n{LocalizedClientStrings.For(tag).MobileFooter}\n\n{LocalizedClientStrings.For(tag).Gmail}\n> {History}\n"));

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Analyze_OutOfOfficeSubject_IsAutoReply(string tag)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("anna@vendor.example"));
        message.To.Add(MailboxAddress.Parse("reply+abcdefghijklmnopqrstuvwxyz@clp.test"));
        message.Subject = LocalizedClientStrings.For(tag).OutOfOfficeSubject;
        message.Body = new TextPart("plain") { Text = "…" };
        Assert.Equal(ReplyKind.AutoReply, ReplyAnalyzer.Analyze(message, "reply", "clp.test").Kind);
    }

    [Theory]
    [MemberData(nameof(LocalizedClientStrings.Tags), MemberType = typeof(LocalizedClientStrings))]
    public void Analyze_ReplySubjectInTheSameLanguage_IsAReply(string tag)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("anna@vendor.example"));
        message.To.Add(MailboxAddress.Parse("reply+abcdefghijklmnopqrstuvwxyz@clp.test"));
        message.Subject = "RE: Locked cut";
        message.Body = new TextPart("plain") { Text = $"{Answer}\n\n{LocalizedClientStrings.For(tag).Gmail}\n> {History}\n" };
        var analysis = ReplyAnalyzer.Analyze(message, "reply", "clp.test");
        Assert.Equal(ReplyKind.Reply, analysis.Kind);
        Assert.Equal(Answer, analysis.Text);
    }

    [Fact]
    public void LanguageTable_CoversEveryVendorLanguage_OneEntryEach()
    {
        var tags = LanguageTable.All.Select(l => l.Tag).ToList();
        Assert.Equal(tags.Count, tags.Distinct(StringComparer.Ordinal).Count());
        Assert.Superset(LocalizedClientStrings.All.Select(l => l.Tag).ToHashSet(StringComparer.Ordinal), tags.ToHashSet(StringComparer.Ordinal));
        Assert.True(LanguageTable.All.All(l => l.WroteMarkers.Count > 0 && l.FromFields.Count > 0 && l.MobileFooters.Count > 0 && l.AutoReplySubjects.Count > 0));
    }
}
