namespace ClpMailGateway.Parsing;

/// <summary>The vendor languages, one entry each. Strings are what the clients print (Gmail, Outlook desktop/web/
/// mobile, Apple Mail, Thunderbird, Yahoo), collected from their localized builds.</summary>
public static class LanguageTable
{
    public static IReadOnlyList<LanguageRules> All { get; } =
    [
        new("en", "English")
        {
            WroteMarkers = ["wrote", "writes"],
            OriginalMessageMarkers = ["Original Message", "Original Mail", "Forwarded message", "Forwarded Message", "Begin forwarded message", "Reply message"],
            FromFields = ["From"], SentFields = ["Sent", "Date"], ToFields = ["To"], OtherFields = ["Cc", "Bcc", "Reply-To"], SubjectFields = ["Subject"],
            MobileFooters = ["Sent from *", "Sent via *", "Sent with *", "Sent by *", "Sent using *", "Get Outlook for *", "(Sent from *)", "<<sent by *>>", "Sent from my *"],
            AutoReplySubjects = ["Automatic reply", "Auto reply", "Auto-reply", "Autoreply", "Auto response", "Auto-response", "Automatic response", "Out of Office", "Out of the office", "Away from the office", "Vacation reply", "On vacation", "On leave"],
            AutoReplyBodyPhrases = ["out of the office", "out of office", "I am currently away", "I'm currently away", "I am away from", "I'm away from", "on annual leave", "on vacation until", "on leave until", "limited access to e-mail", "limited access to email", "when I return", "I will be back on"],
        },
        new("fr", "French")
        {
            WroteMarkers = ["a écrit", "a ecrit"],
            OriginalMessageMarkers = ["Message d'origine", "Message d’origine", "Message original", "Message transféré", "Début du message réexpédié", "Début du message transféré"],
            FromFields = ["De", "Expéditeur"], SentFields = ["Envoyé", "Envoyé le", "Date"], ToFields = ["À", "A", "Destinataire"], OtherFields = ["Cc", "Cci", "Répondre à"], SubjectFields = ["Objet"],
            MobileFooters = ["Envoyé de mon *", "Envoyé depuis mon *", "Envoyé depuis *", "Envoyé à partir de *", "Obtenir Outlook pour *"],
            AutoReplySubjects = ["Réponse automatique", "Absence du bureau", "Absent du bureau", "Absente du bureau", "Message d'absence", "Absence"],
            AutoReplyBodyPhrases = ["je suis absent", "je suis absente", "actuellement absent", "actuellement absente", "en congés jusqu", "hors du bureau", "de retour le"],
        },
        new("de", "German")
        {
            WroteMarkers = ["schrieb", "geschrieben"],
            OriginalMessageMarkers = ["Ursprüngliche Nachricht", "Originalnachricht", "Weitergeleitete Nachricht", "Anfang der weitergeleiteten Nachricht", "Ursprüngliche Mitteilung"],
            FromFields = ["Von", "Absender"], SentFields = ["Gesendet", "Datum"], ToFields = ["An"], OtherFields = ["Cc", "Kopie", "Antwort an"], SubjectFields = ["Betreff"],
            MobileFooters = ["Von meinem * gesendet", "Gesendet von meinem *", "Gesendet von *", "Gesendet mit *", "Diese Nachricht wurde von * gesendet.", "Diese Nachricht wurde von * gesendet", "Outlook für * herunterladen"],
            AutoReplySubjects = ["Automatische Antwort", "Autom. Antwort", "Abwesenheitsnotiz", "Abwesenheitsmeldung", "Abwesend", "Außer Haus", "Nicht im Büro"],
            AutoReplyBodyPhrases = ["bin ich nicht im Büro", "nicht im Büro", "außer Haus", "abwesend bis", "bin ich abwesend", "im Urlaub", "keinen Zugriff auf meine E-Mails"],
        },
        new("es", "Spanish")
        {
            WroteMarkers = ["escribió", "escribio"],
            OriginalMessageMarkers = ["Mensaje original", "Mensaje reenviado", "Inicio del mensaje reenviado"],
            FromFields = ["De", "Remitente"], SentFields = ["Enviado", "Enviado el", "Fecha"], ToFields = ["Para", "Destinatario"], OtherFields = ["CC", "CCO", "Responder a"], SubjectFields = ["Asunto"],
            MobileFooters = ["Enviado desde mi *", "Enviado desde *", "Obtener Outlook para *"],
            AutoReplySubjects = ["Respuesta automática", "Fuera de la oficina", "Fuera de oficina", "Ausente", "Ausencia"],
            AutoReplyBodyPhrases = ["fuera de la oficina", "estoy ausente", "me encuentro fuera", "de vacaciones hasta", "regresaré el"],
        },
        new("pt-BR", "Portuguese (Brazil)")
        {
            WroteMarkers = ["escreveu"],
            OriginalMessageMarkers = ["Mensagem original", "Mensagem encaminhada", "Início da mensagem encaminhada"],
            FromFields = ["De", "Remetente"], SentFields = ["Enviado", "Enviada em", "Enviado em", "Data"], ToFields = ["Para"], OtherFields = ["Cc", "Cco", "Responder a"], SubjectFields = ["Assunto"],
            MobileFooters = ["Enviado do meu *", "Enviado de meu *", "Enviado do *", "Obter o Outlook para *"],
            AutoReplySubjects = ["Resposta automática", "Fora do escritório", "Ausente do escritório", "Ausência"],
            AutoReplyBodyPhrases = ["fora do escritório", "estou ausente", "de férias até", "retornarei em"],
        },
        new("pt-PT", "Portuguese (Portugal)")
        {
            WroteMarkers = ["escreveu", "escreveu no dia"],
            OriginalMessageMarkers = ["Mensagem original", "Mensagem reencaminhada", "Início da mensagem reencaminhada"],
            FromFields = ["De"], SentFields = ["Enviada", "Enviado", "Data"], ToFields = ["Para"], OtherFields = ["Cc"], SubjectFields = ["Assunto"],
            MobileFooters = ["Enviado do meu *", "Enviado a partir do meu *", "Obter o Outlook para *"],
            AutoReplySubjects = ["Resposta automática", "Ausência do escritório", "Fora do escritório"],
            AutoReplyBodyPhrases = ["ausente do escritório", "encontro-me ausente", "de férias até"],
        },
        new("it", "Italian")
        {
            WroteMarkers = ["ha scritto"],
            OriginalMessageMarkers = ["Messaggio originale", "Messaggio inoltrato", "Inizio messaggio inoltrato"],
            FromFields = ["Da", "Mittente"], SentFields = ["Inviato", "Data"], ToFields = ["A", "Destinatario"], OtherFields = ["Cc", "Ccn", "Risposta", "Rispondi a"], SubjectFields = ["Oggetto"],
            MobileFooters = ["Inviato da *", "Inviato dal mio *", "Scarica Outlook per *"],
            AutoReplySubjects = ["Risposta automatica", "Fuori sede", "Fuori ufficio", "Assente dall'ufficio", "Assenza"],
            AutoReplyBodyPhrases = ["fuori ufficio", "fuori sede", "sono assente", "in ferie fino", "rientrerò il"],
        },
        new("nl", "Dutch")
        {
            WroteMarkers = ["schreef", "het volgende geschreven", "geschreven"],
            OriginalMessageMarkers = ["Oorspronkelijk bericht", "Origineel bericht", "Doorgestuurd bericht", "Begin doorgestuurd bericht"],
            FromFields = ["Van", "Afzender"], SentFields = ["Verzonden", "Datum"], ToFields = ["Aan"], OtherFields = ["CC", "Beantwoorden - Aan", "Antwoord aan"], SubjectFields = ["Onderwerp"],
            MobileFooters = ["Verzonden vanaf mijn *", "Verstuurd vanaf mijn *", "Verzonden met *", "Verzonden vanaf *", "Outlook voor * downloaden"],
            AutoReplySubjects = ["Automatisch antwoord", "Afwezig", "Niet aanwezig", "Buiten kantoor", "Out of office"],
            AutoReplyBodyPhrases = ["ben ik afwezig", "niet aanwezig", "buiten kantoor", "met vakantie tot"],
        },
        new("pl", "Polish")
        {
            WroteMarkers = ["napisał(a)", "napisał", "napisała", "napisana przez", "pisze"],
            OriginalMessageMarkers = ["Wiadomość oryginalna", "Oryginalna wiadomość", "Przekazana wiadomość", "Początek przekazywanej wiadomości"],
            FromFields = ["Od", "Nadawca"], SentFields = ["Wysłano", "Wysłane", "Data"], ToFields = ["Do", "Adresat"], OtherFields = ["DW", "UDW", "Kopia"], SubjectFields = ["Temat"],
            MobileFooters = ["Wysłane z mojego *", "Wysłane z *", "Wysłano z *", "Pobierz aplikację Outlook dla *"],
            AutoReplySubjects = ["Odpowiedź automatyczna", "Automatyczna odpowiedź", "Poza biurem", "Nieobecność"],
            AutoReplyBodyPhrases = ["poza biurem", "jestem nieobecny", "jestem nieobecna", "na urlopie do"],
        },
        new("tr", "Turkish")
        {
            WroteMarkers = ["yazdı", "şunu yazdı", "şunları yazdı"],
            OriginalMessageMarkers = ["Özgün İleti", "Orijinal Mesaj", "Orijinal İleti", "İletilen ileti", "İletilmiş ileti"],
            FromFields = ["Kimden", "Gönderen"], SentFields = ["Gönderildi", "Gönderilme", "Tarih"], ToFields = ["Kime", "Alıcı"], OtherFields = ["Bilgi", "CC"], SubjectFields = ["Konu"],
            MobileFooters = ["*'umdan gönderildi", "*’umdan gönderildi", "*'dan gönderildi", "* cihazımdan gönderildi", "* için Outlook'u edinin"],
            AutoReplySubjects = ["Otomatik yanıt", "Otomatik cevap", "Ofis dışında", "Ofis Dışı"],
            AutoReplyBodyPhrases = ["ofis dışındayım", "izindeyim", "tarihine kadar ofiste değilim"],
        },
        new("ru", "Russian")
        {
            WroteMarkers = ["написал(а)", "написал", "написала", "пишет"],
            OriginalMessageMarkers = ["Исходное сообщение", "Пересылаемое сообщение", "Пересланное сообщение", "Начало переадресованного сообщения"],
            FromFields = ["От", "Отправитель"], SentFields = ["Отправлено", "Дата"], ToFields = ["Кому"], OtherFields = ["Копия"], SubjectFields = ["Тема"],
            MobileFooters = ["Отправлено с *", "Отправлено из *", "Получить Outlook для *"],
            AutoReplySubjects = ["Автоматический ответ", "Автоответ", "Нет на месте", "Вне офиса", "Отсутствую"],
            AutoReplyBodyPhrases = ["нет на месте", "вне офиса", "в отпуске до", "буду отсутствовать"],
        },
        new("uk", "Ukrainian")
        {
            WroteMarkers = ["пише", "написав", "написала", "написав(ла)"],
            OriginalMessageMarkers = ["Оригінальне повідомлення", "Початкове повідомлення", "Переслане повідомлення"],
            FromFields = ["Від"], SentFields = ["Надіслано", "Дата"], ToFields = ["Кому"], OtherFields = ["Копія"], SubjectFields = ["Тема"],
            MobileFooters = ["Надіслано з *", "Відправлено з *"],
            AutoReplySubjects = ["Автоматична відповідь", "Автовідповідь", "Поза офісом", "Немає на місці"],
            AutoReplyBodyPhrases = ["поза офісом", "у відпустці до", "немає на місці"],
        },
        new("ja", "Japanese")
        {
            WroteMarkers = ["のメール", "のメッセージ", "書きました", "さんは書きました"],
            OriginalMessageMarkers = ["元のメッセージ", "転送されたメッセージ", "転送メッセージ"],
            FromFields = ["差出人", "送信者"], SentFields = ["送信日時", "日付", "送信日"], ToFields = ["宛先"], OtherFields = ["CC", "返信先"], SubjectFields = ["件名"],
            MobileFooters = ["*から送信", "*から送信しました", "iOS 用 Outlook を入手"],
            AutoReplySubjects = ["自動応答", "自動返信", "不在", "外出中", "休暇"],
            AutoReplyBodyPhrases = ["不在にしております", "不在のため", "休暇中", "外出しております"],
        },
        new("ko", "Korean")
        {
            WroteMarkers = ["님이 작성", "작성", "님이 씀"],
            OriginalMessageMarkers = ["원본 메시지", "전달된 메시지", "원래 메시지"],
            FromFields = ["보낸 사람", "보낸사람"], SentFields = ["보낸 날짜", "날짜"], ToFields = ["받는 사람", "받는사람"], OtherFields = ["참조"], SubjectFields = ["제목"],
            MobileFooters = ["*에서 보냄", "*에서 보냈습니다", "*에서 보낸 메일"],
            AutoReplySubjects = ["자동 회신", "자동 응답", "부재중", "부재 중"],
            AutoReplyBodyPhrases = ["부재중입니다", "사무실에 없습니다", "휴가 중"],
        },
        new("zh-CN", "Chinese (Simplified)")
        {
            WroteMarkers = ["写道"],
            OriginalMessageMarkers = ["原始邮件", "转发的邮件", "原邮件", "邮件原文"],
            FromFields = ["发件人"], SentFields = ["发送时间", "日期", "时间"], ToFields = ["收件人"], OtherFields = ["抄送"], SubjectFields = ["主题"],
            MobileFooters = ["发自我的*", "从我的*发送", "来自我的*"],
            AutoReplySubjects = ["自动回复", "自动答复", "外出", "不在办公室"],
            AutoReplyBodyPhrases = ["不在办公室", "休假中", "外出期间"],
        },
        new("zh-TW", "Chinese (Traditional)")
        {
            WroteMarkers = ["寫道"],
            OriginalMessageMarkers = ["原始郵件", "轉寄的郵件", "原始訊息"],
            FromFields = ["寄件者", "寄件人"], SentFields = ["寄件日期", "日期", "傳送時間"], ToFields = ["收件者", "收件人"], OtherFields = ["副本"], SubjectFields = ["主旨"],
            MobileFooters = ["從我的*傳送", "從我的 * 傳送", "由我的*傳送"],
            AutoReplySubjects = ["自動回覆", "自動答覆", "不在辦公室"],
            AutoReplyBodyPhrases = ["不在辦公室", "休假中"],
        },
        new("ar", "Arabic")
        {
            WroteMarkers = ["كتب", "كتبت"],
            OriginalMessageMarkers = ["الرسالة الأصلية", "رسالة معاد توجيهها", "رسالة مُعاد توجيهها"],
            FromFields = ["من"], SentFields = ["تم الإرسال", "التاريخ", "أرسلت"], ToFields = ["إلى"], OtherFields = ["نسخة"], SubjectFields = ["الموضوع"],
            MobileFooters = ["تم الإرسال من *", "أُرسلت من *", "أرسلت من *", "مرسل من *"],
            AutoReplySubjects = ["رد تلقائي", "الرد التلقائي", "خارج المكتب"],
            AutoReplyBodyPhrases = ["خارج المكتب", "في إجازة حتى"],
        },
        new("he", "Hebrew")
        {
            WroteMarkers = ["כתב", "כתבה", "כתב/ה"],
            OriginalMessageMarkers = ["הודעה מקורית", "הודעה שהועברה", "ההודעה המקורית"],
            FromFields = ["מאת"], SentFields = ["נשלח", "תאריך"], ToFields = ["אל"], OtherFields = ["עותק"], SubjectFields = ["נושא"],
            MobileFooters = ["נשלח מה-*", "נשלח מ-*", "נשלח מה*"],
            AutoReplySubjects = ["מענה אוטומטי", "תשובה אוטומטית", "מחוץ למשרד"],
            AutoReplyBodyPhrases = ["מחוץ למשרד", "בחופשה עד"],
        },
        new("th", "Thai")
        {
            WroteMarkers = ["เขียนว่า", "เขียน"],
            OriginalMessageMarkers = ["ข้อความต้นฉบับ", "ข้อความที่ส่งต่อ"],
            FromFields = ["จาก"], SentFields = ["ส่ง", "วันที่", "ส่งเมื่อ"], ToFields = ["ถึง"], OtherFields = ["สำเนาถึง"], SubjectFields = ["เรื่อง", "ชื่อเรื่อง"],
            MobileFooters = ["ส่งจาก *", "ส่งจาก*"],
            AutoReplySubjects = ["ตอบกลับอัตโนมัติ", "การตอบกลับอัตโนมัติ", "ไม่อยู่ที่สำนักงาน"],
            AutoReplyBodyPhrases = ["ไม่อยู่ที่สำนักงาน", "ลาพักร้อน"],
        },
        new("hi", "Hindi")
        {
            WroteMarkers = ["ने लिखा", "लिखा"],
            OriginalMessageMarkers = ["मूल संदेश", "अग्रेषित संदेश"],
            FromFields = ["प्रेषक", "से"], SentFields = ["भेजा गया", "दिनांक", "भेजा"], ToFields = ["प्रति", "को"], OtherFields = ["प्रतिलिपि"], SubjectFields = ["विषय"],
            MobileFooters = ["* से भेजा गया", "*से भेजा गया"],
            AutoReplySubjects = ["स्वचालित उत्तर", "स्वतः उत्तर", "कार्यालय से बाहर"],
            AutoReplyBodyPhrases = ["कार्यालय से बाहर", "छुट्टी पर"],
        },
        new("sv", "Swedish")
        {
            WroteMarkers = ["skrev"],
            OriginalMessageMarkers = ["Ursprungligt meddelande", "Vidarebefordrat meddelande", "Originalmeddelande"],
            FromFields = ["Från"], SentFields = ["Skickat", "Datum"], ToFields = ["Till"], OtherFields = ["Kopia"], SubjectFields = ["Ämne"],
            MobileFooters = ["Skickat från min *", "Skickat från *", "Hämta Outlook för *", "från min *"],
            AutoReplySubjects = ["Automatiskt svar", "Frånvarande", "Inte på kontoret", "Autosvar", "Frånvaro"],
            AutoReplyBodyPhrases = ["inte på kontoret", "är på semester", "är ledig till", "är frånvarande"],
        },
        new("da", "Danish")
        {
            WroteMarkers = ["skrev"],
            OriginalMessageMarkers = ["Oprindelig meddelelse", "Videresendt meddelelse", "Original meddelelse"],
            FromFields = ["Fra"], SentFields = ["Sendt", "Dato"], ToFields = ["Til"], OtherFields = ["Cc"], SubjectFields = ["Emne"],
            MobileFooters = ["Sendt fra min *", "Sendt fra *", "Hent Outlook til *"],
            AutoReplySubjects = ["Automatisk svar", "Fraværende", "Ikke på kontoret", "Autosvar", "Fravær"],
            AutoReplyBodyPhrases = ["ikke på kontoret", "er på ferie", "er fraværende"],
        },
        new("nb", "Norwegian")
        {
            WroteMarkers = ["skrev"],
            OriginalMessageMarkers = ["Opprinnelig melding", "Videresendt melding", "Original melding"],
            FromFields = ["Fra"], SentFields = ["Sendt", "Dato"], ToFields = ["Til"], OtherFields = ["Kopi"], SubjectFields = ["Emne"],
            MobileFooters = ["Sendt fra min *", "Sendt fra *", "Få Outlook for *"],
            AutoReplySubjects = ["Automatisk svar", "Fraværende", "Ikke på kontoret", "Autosvar", "Fravær"],
            AutoReplyBodyPhrases = ["ikke på kontoret", "er på ferie", "er fraværende"],
        },
        new("fi", "Finnish")
        {
            WroteMarkers = ["kirjoitti"],
            OriginalMessageMarkers = ["Alkuperäinen viesti", "Välitetty viesti"],
            FromFields = ["Lähettäjä"], SentFields = ["Lähetetty", "Päivämäärä"], ToFields = ["Vastaanottaja"], OtherFields = ["Kopio"], SubjectFields = ["Aihe"],
            MobileFooters = ["Lähetetty *", "Hanki Outlook *"],
            AutoReplySubjects = ["Automaattinen vastaus", "Poissa toimistolta", "Lomavastaaja", "Poissaoloilmoitus"],
            AutoReplyBodyPhrases = ["poissa toimistolta", "olen lomalla", "olen poissa"],
        },
        new("cs", "Czech")
        {
            WroteMarkers = ["napsal(a)", "napsal", "napsala"],
            OriginalMessageMarkers = ["Původní zpráva", "Přeposlaná zpráva", "Původní e-mail"],
            FromFields = ["Od"], SentFields = ["Odesláno", "Datum"], ToFields = ["Komu"], OtherFields = ["Kopie"], SubjectFields = ["Předmět"],
            MobileFooters = ["Odesláno z *", "Odesláno ze *", "Získat Outlook pro *"],
            AutoReplySubjects = ["Automatická odpověď", "Mimo kancelář", "Nepřítomnost", "Mimo kancelar"],
            AutoReplyBodyPhrases = ["mimo kancelář", "jsem na dovolené", "nejsem v kanceláři"],
        },
        new("hu", "Hungarian")
        {
            WroteMarkers = ["ezt írta", "írta"],
            OriginalMessageMarkers = ["Eredeti üzenet", "Továbbított üzenet"],
            FromFields = ["Feladó"], SentFields = ["Elküldve", "Dátum", "Küldve"], ToFields = ["Címzett"], OtherFields = ["Másolatot kap", "Másolat"], SubjectFields = ["Tárgy"],
            MobileFooters = ["*-ról küldve", "*-ről küldve", "*ról küldve", "*ről küldve", "Küldve *"],
            AutoReplySubjects = ["Automatikus válasz", "Házon kívül", "Irodán kívül", "Szabadság"],
            AutoReplyBodyPhrases = ["házon kívül vagyok", "szabadságon vagyok", "irodán kívül"],
        },
        new("ro", "Romanian")
        {
            WroteMarkers = ["a scris"],
            OriginalMessageMarkers = ["Mesaj original", "Mesaj redirecționat", "Mesaj redirectionat", "Mesaj inițial"],
            FromFields = ["De la"], SentFields = ["Trimis", "Dată", "Data"], ToFields = ["Către", "Catre"], OtherFields = ["Cc"], SubjectFields = ["Subiect"],
            MobileFooters = ["Trimis de pe *", "Trimis din *", "Trimis cu *"],
            AutoReplySubjects = ["Răspuns automat", "Raspuns automat", "În afara biroului", "Plecat din birou", "Absent"],
            AutoReplyBodyPhrases = ["în afara biroului", "sunt în concediu", "lipsesc din birou"],
        },
        new("el", "Greek")
        {
            WroteMarkers = ["έγραψε"],
            OriginalMessageMarkers = ["Αρχικό μήνυμα", "Προωθημένο μήνυμα"],
            FromFields = ["Από"], SentFields = ["Στάλθηκε", "Ημερομηνία", "Εστάλη"], ToFields = ["Προς"], OtherFields = ["Κοιν.", "Κοιν"], SubjectFields = ["Θέμα"],
            MobileFooters = ["Στάλθηκε από *", "Εστάλη από *"],
            AutoReplySubjects = ["Αυτόματη απάντηση", "Εκτός γραφείου"],
            AutoReplyBodyPhrases = ["εκτός γραφείου", "βρίσκομαι σε άδεια"],
        },
        new("id", "Indonesian")
        {
            WroteMarkers = ["menulis"],
            OriginalMessageMarkers = ["Pesan Asli", "Pesan yang diteruskan", "Pesan terusan"],
            FromFields = ["Dari"], SentFields = ["Dikirim", "Tanggal", "Terkirim"], ToFields = ["Kepada", "Ke"], OtherFields = ["Cc", "Tembusan"], SubjectFields = ["Subjek", "Perihal", "Judul"],
            MobileFooters = ["Dikirim dari *", "Dapatkan Outlook untuk *"],
            AutoReplySubjects = ["Balasan otomatis", "Balasan Otomatis", "Di luar kantor", "Sedang cuti"],
            AutoReplyBodyPhrases = ["sedang di luar kantor", "sedang cuti", "tidak berada di kantor"],
        },
        new("vi", "Vietnamese")
        {
            WroteMarkers = ["đã viết", "viết"],
            OriginalMessageMarkers = ["Thư gốc", "Thư đã chuyển tiếp", "Tin nhắn gốc", "Thư chuyển tiếp"],
            FromFields = ["Từ", "Người gửi"], SentFields = ["Đã gửi", "Ngày", "Gửi"], ToFields = ["Đến", "Tới"], OtherFields = ["Cc"], SubjectFields = ["Chủ đề", "Tiêu đề"],
            MobileFooters = ["Được gửi từ *", "Gửi từ *"],
            AutoReplySubjects = ["Trả lời tự động", "Thư trả lời tự động", "Vắng mặt", "Không có mặt tại văn phòng"],
            AutoReplyBodyPhrases = ["không có mặt tại văn phòng", "đang nghỉ phép"],
        },
    ];
}
