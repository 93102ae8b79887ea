using ClpMailGateway.Parsing;
using MimeKit;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Vacation replies that carry no automatic-reply header and no telling subject, only their words, in every
/// vendor language: recognized from <see cref="LanguageTable"/>'s phrases. A person's short reply in the same language
/// is not.</summary>
public sealed class LocalizedVacationTests
{
    public static TheoryData<string, string> Vacations => new()
    {
        { "en", "Thank you for your email. I am on annual leave until 10 March with limited access to email." },
        { "fr", "Merci pour votre message. Je suis absente du bureau jusqu'au 10 mars." },
        { "de", "Vielen Dank für Ihre Nachricht. Ich bin bis zum 10. März nicht im Büro und habe keinen Zugriff auf meine E-Mails." },
        { "es", "Gracias por su mensaje. Estoy fuera de la oficina hasta el 10 de marzo." },
        { "pt-BR", "Obrigado pela mensagem. Estou fora do escritório até 10 de março." },
        { "pt-PT", "Obrigado pelo seu email. Encontro-me ausente do escritório até 10 de março." },
        { "it", "Grazie per il messaggio. Sono fuori ufficio fino al 10 marzo." },
        { "nl", "Bedankt voor uw bericht. Ik ben met vakantie tot 10 maart." },
        { "pl", "Dziękuję za wiadomość. Jestem poza biurem do 10 marca." },
        { "tr", "Mesajınız için teşekkürler. 10 Mart tarihine kadar ofis dışındayım." },
        { "ru", "Спасибо за письмо. Я нахожусь в отпуске до 10 марта." },
        { "uk", "Дякую за лист. Я у відпустці до 10 березня." },
        { "ja", "メールありがとうございます。3月10日まで休暇のため不在にしております。" },
        { "ko", "메일 감사합니다. 3월 10일까지 휴가 중이라 답장이 늦어질 수 있습니다." },
        { "zh-CN", "感谢您的来信。我3月10日前休假中，期间查看邮件不便。" },
        { "zh-TW", "感謝您的來信。我3月10日前休假中，期間無法即時回覆。" },
        { "ar", "شكراً لرسالتك. أنا خارج المكتب حتى 10 مارس." },
        { "he", "תודה על פנייתך. אני מחוץ למשרד עד 10 במרץ." },
        { "th", "ขอบคุณสำหรับอีเมล ฉันไม่อยู่ที่สำนักงานจนถึงวันที่ 10 มีนาคม" },
        { "hi", "आपके ईमेल के लिए धन्यवाद। मैं 10 मार्च तक कार्यालय से बाहर हूँ।" },
        { "sv", "Tack för ditt mejl. Jag är inte på kontoret förrän den 10 mars." },
        { "da", "Tak for din mail. Jeg er ikke på kontoret før den 10. marts." },
        { "nb", "Takk for e-posten. Jeg er ikke på kontoret før 10. mars." },
        { "fi", "Kiitos viestistäsi. Olen poissa toimistolta 10. maaliskuuta asti." },
        { "cs", "Děkuji za e-mail. Jsem mimo kancelář do 10. března." },
        { "hu", "Köszönöm a levelét. Március 10-ig szabadságon vagyok." },
        { "ro", "Vă mulțumesc pentru mesaj. Sunt în afara biroului până pe 10 martie." },
        { "el", "Ευχαριστώ για το μήνυμά σας. Βρίσκομαι εκτός γραφείου έως τις 10 Μαρτίου." },
        { "id", "Terima kasih atas email Anda. Saya sedang cuti hingga 10 Maret." },
        { "vi", "Cảm ơn bạn đã gửi email. Tôi đang nghỉ phép đến ngày 10 tháng 3." },
    };

    [Theory]
    [MemberData(nameof(Vacations))]
    public void Analyze_VacationWordsOnly_IsAutoReply(string tag, string body)
    {
        Assert.Contains(LanguageTable.All, l => l.Tag == tag);
        Assert.Equal(ReplyKind.AutoReply, Analyze(body).Kind);
    }

    [Theory]
    [MemberData(nameof(Vacations))]
    public void Analyze_VacationWordsAboveAQuote_IsAReply(string tag, string body)
    {
        Assert.Contains(LanguageTable.All, l => l.Tag == tag);
        Assert.Equal(ReplyKind.Reply, Analyze(body + "\n\nOn Mon, Feb 3, 2025 at 10:12 AM CLP <reply@clp.test> wrote:\n> Who delivers reel 3?\n").Kind);
    }

    [Fact]
    public void LanguageTable_EveryLanguage_HasAVacationCase()
    {
        var tested = Vacations.Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);
        Assert.All(LanguageTable.All, l => Assert.Contains(l.Tag, tested));
    }

    private static ReplyAnalysis Analyze(string body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("anna@vendor.example"));
        message.To.Add(MailboxAddress.Parse($"reply+{TestMail.Token}@{TestMail.Domain}"));
        message.Subject = "RE: Locked cut";
        message.Body = new TextPart("plain") { Text = body };
        return ReplyAnalyzer.Analyze(message, "reply", TestMail.Domain);
    }
}
