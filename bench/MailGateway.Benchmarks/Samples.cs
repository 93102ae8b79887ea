using System.Text;
using MimeKit;

namespace ClpMailGateway.Benchmarks;

/// <summary>Raw mails as the gateway fetches them: a short Gmail reply, a long Outlook HTML thread, a Japanese
/// ISO-2022-JP reply. Built in code so the benchmark needs no files.</summary>
internal static class Samples
{
    public const string Domain = "clp.test";
    public const string LocalPart = "reply";
    private const string Token = "k1_bafsxf757p5n5ey2oiny4jdelheuc";

    // Before MimeKit first looks up a charset: it caches what the runtime offers then (ISO-2022-JP needs the code pages).
    static Samples() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] GmailShort() => Render(Mail(new TextPart("plain")
    {
        Text = "Le timing est corrigé, merci !\n\nLe lun. 3 févr. 2025 à 10:12, Anna via CLP <notifications@clp.test> a écrit :\n> Please check the timeline of episode 2.\n> Thanks\n",
    }));

    public static byte[] OutlookHtmlThread()
    {
        var html = new StringBuilder("<html><body><div class=\"WordSection1\"><p class=\"MsoNormal\">Hallo Anna,<br>die Untertitel für Folge 4 sind fertig.<br>Viele Grüße<br>Jonas</p></div>");
        // Outlook appends the history flat: each earlier message is a header block followed by its body.
        for (var i = 0; i < 12; i++)
        {
            html.Append("<hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\"><b>Von:</b> Anna via CLP &lt;notifications@clp.test&gt;<br>")
                .Append("<b>Gesendet:</b> Montag, 3. Februar 2025 10:12<br><b>An:</b> Jonas Weber<br><b>Betreff:</b> [Blue Harbor S2 · Vendor · German (de)] timeline</font></div>")
                .Append("<div><p class=\"MsoNormal\">")
                .Append(string.Concat(Enumerable.Repeat("Please check the timeline of episode 4 against the locked cut, reel by reel. ", 20)))
                .Append("</p></div>");
        }

        html.Append("</body></html>");
        return Render(Mail(new TextPart("html") { Text = html.ToString() }));
    }

    public static byte[] JapaneseIso2022Jp()
    {
        var part = new TextPart("plain");
        part.SetText("iso-2022-jp", "第3話の字幕ファイルを修正しました。ご確認ください。\n\n2025年2月3日(月) 10:12 Anna via CLP <notifications@clp.test>:\n> タイムラインを確認してください。\n");
        return Render(Mail(part));
    }

    private static MimeMessage Mail(MimeEntity body)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("vendor@vendor.example"));
        message.To.Add(MailboxAddress.Parse($"{LocalPart}+{Token}@{Domain}"));
        message.Subject = "Re: [Blue Harbor S2] timeline";
        message.MessageId = "bench@vendor.example";
        message.Body = body;
        return message;
    }

    private static byte[] Render(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }
}
