namespace ClpMailGateway.Parsing;

/// <summary>The mail clients and webmails vendors write from, one entry each: how each marks quoted history in HTML and
/// plain text, and the footer it adds. Collected from the clients' own output (their HTML templates and localized
/// strings) and from the test fixtures of public reply parsers.</summary>
public static class ClientTable
{
    public static IReadOnlyList<ClientFormat> All { get; } =
    [
        new("Gmail (web, Android, iOS), and clients that copy its markup: Superhuman, Mailspring, Shortwave")
        {
            QuoteSelectors = ["div.gmail_quote", "blockquote.gmail_quote", "div.gmail_quote_container", "div.gmail_extra", "div.gmail_signature"],
        },
        new("Outlook desktop, Outlook on the web, new Outlook, Outlook for iOS and Android")
        {
            QuoteSelectors = ["#Signature", "#x_Signature", "#ms-outlook-mobile-signature", ".ms-outlook-mobile-reference-message", ".x_ms-outlook-mobile-reference-message"],
            CutSelectors = ["#divRplyFwdMsg", "#x_divRplyFwdMsg", "#appendonsend", "#x_appendonsend", "#mail-editor-reference-message-container", ".OutlookMessageHeader", "hr"],
            Footers = ["Get Outlook for *", "Download Outlook for *", "Get the Outlook app"],
        },
        new("Outlook for Mac")
        {
            CutSelectors = ["#OLK_SRC_BODY_SECTION"],
        },
        new("Apple Mail (macOS, iOS)")
        {
            QuoteSelectors = ["blockquote[type=cite]", ".AppleOriginalContents"],
        },
        new("Thunderbird, Postbox, Betterbird, SeaMonkey")
        {
            QuoteSelectors = [".moz-cite-prefix", ".moz-signature"],
        },
        new("Yahoo Mail, AOL Mail")
        {
            QuoteSelectors = [".yahoo_quoted", "#yahoo_quoted*", "blockquote.iosymail", ".ymail_android_signature"],
            Footers = ["Sent from Yahoo Mail on *", "Sent from Yahoo Mail for *", "Sent from the all new AOL app for *", "Sent from AOL Mobile Mail", "Get the new AOL app: *"],
        },
        new("Proton Mail")
        {
            QuoteSelectors = [".protonmail_quote", ".protonmail_signature_block"],
            Footers = ["Sent with Proton Mail secure email.", "Sent with ProtonMail Secure Email.", "Sent from Proton Mail mobile", "Sent from Proton Mail for *", "Envoyé avec la messagerie sécurisée Proton Mail.", "Mit Proton Mail gesendet", "Enviado con el correo electrónico seguro de Proton Mail.", "Inviato con l'email sicura Proton Mail."],
        },
        new("Tuta (Tutanota)")
        {
            QuoteSelectors = [".tutanota_quote"],
            Footers = ["Sent with Tuta; enjoy secure & ad-free emails: *", "Securely sent with Tuta.", "Securely sent with Tutanota. *", "Gesendet mit Tuta; *"],
        },
        new("Zimbra")
        {
            QuoteSelectors = ["[data-marker=__QUOTED_TEXT__]", "[data-marker=__SIG_PRE__]"],
            SeparatorWords = ["Mail original", "Ursprüngliche Mail", "Message original", "E-mail original"],
        },
        new("Zoho Mail")
        {
            QuoteSelectors = [".zmail_extra", "[title=beforequote:::]", "#Zm-_Id_-Sgn"],
            Footers = ["使用*发送", "Sent using Zoho Mail"],
            CutSelectors = [".zmail_extra_hr"],
            HistoryLines = [@"^[ \t]*-{3,}[ \t]*(?:On|Le|Am|El|Em|Il|Op)[ \t].+[ \t](?:wrote|a écrit|schrieb|escribió|escreveu|ha scritto|schreef)[ \t]*:?[ \t]*-{3,}[ \t]*$"],
        },
        new("Fastmail, Roundcube, SnappyMail, Rainloop, Horde, SquirrelMail, Nextcloud Mail, Evolution, KMail")
        {
            // Each writes a plain "On …, … wrote:" line above a blockquote type="cite" or '>' lines: the language rules and
            // Apple Mail's selector cover them; Yandex's bare blockquote follows its "03.07.2019, 10:27, "Anna" <a@b>:" line.
            QuoteSelectors = ["blockquote#qt"],
        },
        new("Spark")
        {
            QuoteSelectors = ["[name=messageReplySection]", "[name=messageSignatureSection]"],
            Footers = ["Sent with Spark", "Sent from Spark", "Get Spark for *"],
        },
        new("Front, Freshdesk, Zendesk, Notion Mail, Skiff, GMX and WEB.DE")
        {
            QuoteSelectors = [".front-blockquote", ".freshdesk_quote", "div.quotedReply", "blockquote.notion-mail-quote", ".skiff_quote", "[name=quote]"],
        },
        new("Alibaba Mail, DingTalk Mail")
        {
            QuoteSelectors = [".alimail-quote"],
            SeparatorWords = ["原始邮件", "Original Mail"],
            Footers = ["发自钉钉专属商务邮箱", "来自钉钉专属商务邮箱", "Sent from DingTalk"],
        },
        new("Sina Mail, Sohu Mail, 139 Mail (China Mobile)")
        {
            QuoteSelectors = ["#origbody", "blockquote#oriMsgHtmlSeperator", "#reply139content"],
        },
        new("QQ Mail, Tencent Exmail, WeCom (WeChat Work) Mail")
        {
            SeparatorWords = ["Original", "原始邮件", "原始郵件"],
            Footers = ["发自我的企业微信", "发自企业微信", "来自企业微信", "发自QQ邮箱", "来自QQ邮箱", "发自我的QQ邮箱"],
        },
        new("NetEase Mail (163, 126, Mail Master)")
        {
            QuoteSelectors = ["blockquote#isReplyContent", "[title=neteasefooter]"],
            SeparatorWords = ["Replied Message", "Forwarded Message", "回复的原邮件", "转发的原邮件", "原始邮件"],
            HistoryLines = [@"^[ \t]*\|[ \t]*(?:From|发件人|寄件人)[ \t]*\|"],
            Footers = ["来自网易邮箱大师", "发自网易邮箱大师", "发自网易邮箱手机版", "Sent from NetEase Mail Master"],
        },
        new("Lark (Feishu) Mail")
        {
            Footers = ["Sent from Lark", "Sent from Feishu", "发自飞书", "来自飞书", "發自飛書"],
        },
        new("Naver Mail, Daum and Kakao Mail")
        {
            SeparatorWords = ["Original Message", "원본 메일", "원본 메시지", "원본 이메일"],
            Footers = ["네이버 메일 앱에서 보냄", "Daum 메일 앱에서 보냈습니다", "카카오메일 앱에서 보냄"],
        },
        new("Yandex Mail, Mail.ru, Rambler")
        {
            Footers = ["Отправлено из мобильной Яндекс Почты", "Отправлено из мобильной Яндекс.Почты", "Отправлено из мобильного приложения Яндекс Почты", "Sent from Yandex Mail for mobile", "Отправлено из Mail.ru для *", "Отправлено из мобильной Почты Mail.ru", "Sent from Mail.ru app for *"],
        },
        new("Samsung Email")
        {
            SeparatorWords = ["Original message", "원본 이메일", "オリジナルメッセージ", "Originalnachricht", "Message d'origine", "Mensaje original", "Mensagem original", "Messaggio originale"],
            Footers = ["Sent from my Galaxy", "Sent via the Samsung Galaxy *", "Sent from my Samsung Galaxy smartphone.", "Sent from Samsung Mobile"],
        },
        new("Android mail apps: K-9 Mail, BlueMail, Nine, Edison, Newton, Airmail, Canary, myMail")
        {
            Footers =
            [
                "Sent from my Android device with K-9 Mail. Please excuse my brevity.", "Sent from my Android device with K-9 Mail.", "Sent from K-9 Mail",
                "Diese Nachricht wurde von meinem Android-Mobiltelefon mit K-9 Mail gesendet.", "Envoyé de mon appareil Android avec K-9 Mail. Veuillez excuser ma brièveté.",
                "Sent using BlueMail", "Sent from BlueMail", "Get BlueMail for *", "Sent from Nine", "Sent from Edison Mail", "Sent with Newton Mail", "Sent with Airmail",
                "Sent with Canary", "Sent from myMail for *", "Sent from my Huawei *", "Sent from my HUAWEI *", "Sent from Mail for Windows", "Sent from Mail for Windows 10",
            ],
        },
        new("Novell/Micro Focus GroupWise")
        {
            // ">>> Anna Smith <anna@vendor.example> 2/3/2025 10:12 AM >>>", the history below it unquoted.
            HistoryLines = [@"^[ \t]*>>>[ \t]*\S.*[ \t]>>>[ \t]*$"],
        },
        new("HCL (IBM, Lotus) Notes")
        {
            // "Anna Smith <anna@vendor.example> wrote on 02/03/2025 10:12:34 AM:", "-----"CLP" <n@clp.test> wrote: -----",
            // "----- Forwarded by Anna Smith/ACME on 02/03/2025 10:12 AM -----".
            HistoryLines =
            [
                @"\bwrote on [^:]*\d[^:]*:[ \t]*$",
                @"^[ \t]*-{3,}.+\b(?:wrote|schrieb|a écrit|escribió|escreveu|ha scritto)[ \t]*:[ \t]*-{3,}[ \t]*$",
                @"^[ \t]*-{3,}[ \t]*Forwarded by .+ on .+-{3,}[ \t]*$",
            ],
        },
    ];
}
