namespace ClpMailGateway.Tests.Parsing;

/// <summary>What Gmail, Outlook and Apple Mail print above a quote, as their localized builds write it, with the
/// mobile footer and the out-of-office subject prefix of each language.</summary>
internal sealed record LocalizedClientStrings(string Tag, string Gmail, string Outlook, string AppleMail, string MobileFooter, string OutOfOfficeSubject)
{
    public static IReadOnlyList<LocalizedClientStrings> All { get; } =
    [
        new("en", "On Mon, Feb 3, 2025 at 10:12 AM Anna Smith <anna@vendor.example> wrote:",
            "From: Anna Smith <anna@vendor.example>\nSent: Monday, February 3, 2025 10:12 AM\nTo: CLP <reply+abc@clp.test>\nSubject: RE: Locked cut",
            "On 3 Feb 2025, at 10:12, Anna Smith <anna@vendor.example> wrote:", "Sent from my iPhone", "Automatic reply: Locked cut"),
        new("fr", "Le lun. 3 févr. 2025 à 10:12, Anna <anna@vendor.example> a écrit :",
            "De : Anna <anna@vendor.example>\nEnvoyé : lundi 3 février 2025 10:12\nÀ : CLP <reply+abc@clp.test>\nObjet : RE: Locked cut",
            "Le 3 févr. 2025 à 10:12, Anna <anna@vendor.example> a écrit :", "Envoyé de mon iPhone", "Réponse automatique : Locked cut"),
        new("de", "Am Mo., 3. Feb. 2025 um 10:12 Uhr schrieb Anna <anna@vendor.example>:",
            "Von: Anna <anna@vendor.example>\nGesendet: Montag, 3. Februar 2025 10:12\nAn: CLP <reply+abc@clp.test>\nBetreff: AW: Locked cut",
            "Am 03.02.2025 um 10:12 schrieb Anna <anna@vendor.example>:", "Von meinem iPhone gesendet", "Automatische Antwort: Locked cut"),
        new("es", "El lun, 3 feb 2025 a las 10:12, Anna (<anna@vendor.example>) escribió:",
            "De: Anna <anna@vendor.example>\nEnviado: lunes, 3 de febrero de 2025 10:12\nPara: CLP <reply+abc@clp.test>\nAsunto: RE: Locked cut",
            "El 3 feb 2025, a las 10:12, Anna <anna@vendor.example> escribió:", "Enviado desde mi iPhone", "Respuesta automática: Locked cut"),
        new("pt-BR", "Em seg., 3 de fev. de 2025 às 10:12, Anna <anna@vendor.example> escreveu:",
            "De: Anna <anna@vendor.example>\nEnviado: segunda-feira, 3 de fevereiro de 2025 10:12\nPara: CLP <reply+abc@clp.test>\nAssunto: RE: Locked cut",
            "Em 3 de fev. de 2025, à(s) 10:12, Anna <anna@vendor.example> escreveu:", "Enviado do meu iPhone", "Resposta automática: Locked cut"),
        new("pt-PT", "Anna <anna@vendor.example> escreveu no dia segunda, 3/02/2025 à(s) 10:12:",
            "De: Anna <anna@vendor.example>\nEnviada: 3 de fevereiro de 2025 10:12\nPara: CLP <reply+abc@clp.test>\nAssunto: RE: Locked cut",
            "A 3/02/2025, às 10:12, Anna <anna@vendor.example> escreveu:", "Enviado do meu iPhone", "Resposta automática: Locked cut"),
        new("it", "Il giorno lun 3 feb 2025 alle ore 10:12 Anna <anna@vendor.example> ha scritto:",
            "Da: Anna <anna@vendor.example>\nInviato: lunedì 3 febbraio 2025 10:12\nA: CLP <reply+abc@clp.test>\nOggetto: R: Locked cut",
            "Il giorno 3 feb 2025, alle ore 10:12, Anna <anna@vendor.example> ha scritto:", "Inviato da iPhone", "Risposta automatica: Locked cut"),
        new("nl", "Op ma 3 feb 2025 om 10:12 schreef Anna <anna@vendor.example>:",
            "Van: Anna <anna@vendor.example>\nVerzonden: maandag 3 februari 2025 10:12\nAan: CLP <reply+abc@clp.test>\nOnderwerp: RE: Locked cut",
            "Op 3 feb 2025 om 10:12 heeft Anna <anna@vendor.example> het volgende geschreven:", "Verzonden vanaf mijn iPhone", "Automatisch antwoord: Locked cut"),
        new("pl", "pon., 3 lut 2025 o 10:12 Anna <anna@vendor.example> napisał(a):",
            "Od: Anna <anna@vendor.example>\nWysłano: poniedziałek, 3 lutego 2025 10:12\nDo: CLP <reply+abc@clp.test>\nTemat: RE: Locked cut",
            "Wiadomość napisana przez Anna <anna@vendor.example> w dniu 3.02.2025, o godz. 10:12:", "Wysłane z iPhone'a", "Odpowiedź automatyczna: Locked cut"),
        new("tr", "Anna <anna@vendor.example>, 3 Şub 2025 Pzt, 10:12 tarihinde şunu yazdı:",
            "Kimden: Anna <anna@vendor.example>\nGönderildi: 3 Şubat 2025 Pazartesi 10:12\nKime: CLP <reply+abc@clp.test>\nKonu: YNT: Locked cut",
            "3 Şub 2025 tarihinde 10:12 saatinde, Anna <anna@vendor.example> şunları yazdı:", "iPhone'umdan gönderildi", "Otomatik yanıt: Locked cut"),
        new("ru", "пн, 3 февр. 2025 г. в 10:12, Anna <anna@vendor.example>:",
            "От: Anna <anna@vendor.example>\nОтправлено: 3 февраля 2025 г. 10:12\nКому: CLP <reply+abc@clp.test>\nТема: RE: Locked cut",
            "3 февр. 2025 г., в 10:12, Anna <anna@vendor.example> написал(а):", "Отправлено с iPhone", "Автоматический ответ: Locked cut"),
        new("uk", "пн, 3 лют. 2025 р. о 10:12 Anna <anna@vendor.example> пише:",
            "Від: Anna <anna@vendor.example>\nНадіслано: 3 лютого 2025 р. 10:12\nКому: CLP <reply+abc@clp.test>\nТема: RE: Locked cut",
            "3 лют. 2025 р. о 10:12 Anna <anna@vendor.example> написав(ла):", "Надіслано з iPhone", "Автоматична відповідь: Locked cut"),
        new("ja", "2025年2月3日(月) 10:12 Anna <anna@vendor.example>:",
            "差出人: Anna <anna@vendor.example>\n送信日時: 2025年2月3日 10:12\n宛先: CLP <reply+abc@clp.test>\n件名: RE: Locked cut",
            "2025/02/03 10:12、Anna <anna@vendor.example>のメール:", "iPhoneから送信", "自動応答: Locked cut"),
        new("ko", "2025년 2월 3일 (월) 오전 10:12, Anna <anna@vendor.example>님이 작성:",
            "보낸 사람: Anna <anna@vendor.example>\n보낸 날짜: 2025년 2월 3일 월요일 오전 10:12\n받는 사람: CLP <reply+abc@clp.test>\n제목: RE: Locked cut",
            "2025. 2. 3. 오전 10:12, Anna <anna@vendor.example> 작성:", "iPhone에서 보냄", "자동 회신: Locked cut"),
        new("zh-CN", "Anna <anna@vendor.example> 于2025年2月3日周一 10:12写道：",
            "发件人: Anna <anna@vendor.example>\n发送时间: 2025年2月3日 10:12\n收件人: CLP <reply+abc@clp.test>\n主题: 答复: Locked cut",
            "2025年2月3日 10:12，Anna <anna@vendor.example> 写道：", "发自我的iPhone", "自动回复: Locked cut"),
        new("zh-TW", "Anna <anna@vendor.example> 於 2025年2月3日 週一 上午10:12寫道：",
            "寄件者: Anna <anna@vendor.example>\n寄件日期: 2025年2月3日 上午 10:12\n收件者: CLP <reply+abc@clp.test>\n主旨: 回覆: Locked cut",
            "Anna <anna@vendor.example> 於 2025年2月3日 上午10:12 寫道：", "從我的 iPhone 傳送", "自動回覆: Locked cut"),
        new("ar", "في الاثنين، 3 فبراير 2025 في 10:12 ص، Anna <anna@vendor.example> كتب:",
            "من: Anna <anna@vendor.example>\nتم الإرسال: الاثنين، 3 فبراير، 2025 10:12 ص\nإلى: CLP <reply+abc@clp.test>\nالموضوع: رد: Locked cut",
            "في 3 فبراير 2025، الساعة 10:12، كتب Anna <anna@vendor.example>:", "أُرسلت من الـ iPhone", "رد تلقائي: Locked cut"),
        new("he", "\u202Bבתאריך יום ב׳, 3 בפבר׳ 2025 ב-10:12 מאת Anna <\u202Aanna@vendor.example\u202C>:\u202C",
            "מאת: Anna <anna@vendor.example>\nנשלח: יום שני 3 פברואר 2025 10:12\nאל: CLP <reply+abc@clp.test>\nנושא: RE: Locked cut",
            "ב-3 בפבר׳ 2025, בשעה 10:12, Anna <anna@vendor.example> כתב/ה:", "נשלח מה-iPhone שלי", "מענה אוטומטי: Locked cut"),
        new("th", "เมื่อ จ. 3 ก.พ. 2025 เวลา 10:12 Anna <anna@vendor.example> เขียนว่า:",
            "จาก: Anna <anna@vendor.example>\nส่ง: 3 กุมภาพันธ์ 2025 10:12\nถึง: CLP <reply+abc@clp.test>\nเรื่อง: RE: Locked cut",
            "เมื่อ 3 ก.พ. 2025 เวลา 10:12 Anna <anna@vendor.example> เขียนว่า:", "ส่งจาก iPhone ของฉัน", "ตอบกลับอัตโนมัติ: Locked cut"),
        new("hi", "सोम, 3 फ़र॰ 2025 को 10:12 am बजे Anna <anna@vendor.example> ने लिखा:",
            "प्रेषक: Anna <anna@vendor.example>\nभेजा गया: सोमवार, 3 फ़रवरी 2025 10:12\nप्रति: CLP <reply+abc@clp.test>\nविषय: RE: Locked cut",
            "3 फ़र॰ 2025 को 10:12 बजे, Anna <anna@vendor.example> ने लिखा:", "मेरे iPhone से भेजा गया", "स्वचालित उत्तर: Locked cut"),
        new("sv", "Den mån 3 feb. 2025 kl 10:12 skrev Anna <anna@vendor.example>:",
            "Från: Anna <anna@vendor.example>\nSkickat: den 3 februari 2025 10:12\nTill: CLP <reply+abc@clp.test>\nÄmne: SV: Locked cut",
            "3 feb. 2025 kl. 10:12 skrev Anna <anna@vendor.example>:", "Skickat från min iPhone", "Automatiskt svar: Locked cut"),
        new("da", "Den man. 3. feb. 2025 kl. 10.12 skrev Anna <anna@vendor.example>:",
            "Fra: Anna <anna@vendor.example>\nSendt: 3. februar 2025 10:12\nTil: CLP <reply+abc@clp.test>\nEmne: SV: Locked cut",
            "Den 3. feb. 2025 kl. 10.12 skrev Anna <anna@vendor.example>:", "Sendt fra min iPhone", "Automatisk svar: Locked cut"),
        new("nb", "man. 3. feb. 2025 kl. 10:12 skrev Anna <anna@vendor.example>:",
            "Fra: Anna <anna@vendor.example>\nSendt: mandag 3. februar 2025 10:12\nTil: CLP <reply+abc@clp.test>\nEmne: SV: Locked cut",
            "3. feb. 2025 kl. 10:12 skrev Anna <anna@vendor.example>:", "Sendt fra min iPhone", "Automatisk svar: Locked cut"),
        new("fi", "ma 3. helmik. 2025 klo 10.12 Anna <anna@vendor.example> kirjoitti:",
            "Lähettäjä: Anna <anna@vendor.example>\nLähetetty: maanantai 3. helmikuuta 2025 10.12\nVastaanottaja: CLP <reply+abc@clp.test>\nAihe: VS: Locked cut",
            "Anna <anna@vendor.example> kirjoitti 3.2.2025 kello 10.12:", "Lähetetty iPhonesta", "Automaattinen vastaus: Locked cut"),
        new("cs", "po 3. 2. 2025 v 10:12 odesílatel Anna <anna@vendor.example> napsal:",
            "Od: Anna <anna@vendor.example>\nOdesláno: pondělí 3. února 2025 10:12\nKomu: CLP <reply+abc@clp.test>\nPředmět: RE: Locked cut",
            "Dne 3. 2. 2025 v 10:12, Anna <anna@vendor.example> napsal(a):", "Odesláno z iPhonu", "Automatická odpověď: Locked cut"),
        new("hu", "Anna <anna@vendor.example> ezt írta (időpont: 2025. febr. 3., H, 10:12):",
            "Feladó: Anna <anna@vendor.example>\nElküldve: 2025. február 3., hétfő 10:12\nCímzett: CLP <reply+abc@clp.test>\nTárgy: RE: Locked cut",
            "2025. febr. 3. dátummal, 10:12 időpontban Anna <anna@vendor.example> írta:", "iPhone-ról küldve", "Automatikus válasz: Locked cut"),
        new("ro", "Pe lun., 3 feb. 2025 la 10:12, Anna <anna@vendor.example> a scris:",
            "De la: Anna <anna@vendor.example>\nTrimis: luni, 3 februarie 2025 10:12\nCătre: CLP <reply+abc@clp.test>\nSubiect: RE: Locked cut",
            "Pe 3 feb. 2025, la 10:12, Anna <anna@vendor.example> a scris:", "Trimis de pe iPhone-ul meu", "Răspuns automat: Locked cut"),
        new("el", "Στις Δευ 3 Φεβ 2025 στις 10:12, ο/η Anna <anna@vendor.example> έγραψε:",
            "Από: Anna <anna@vendor.example>\nΣτάλθηκε: Δευτέρα, 3 Φεβρουαρίου 2025 10:12 πμ\nΠρος: CLP <reply+abc@clp.test>\nΘέμα: RE: Locked cut",
            "Στις 3 Φεβ 2025, στις 10:12, ο χρήστης Anna <anna@vendor.example> έγραψε:", "Στάλθηκε από το iPhone μου", "Αυτόματη απάντηση: Locked cut"),
        new("id", "Pada tanggal Sen, 3 Feb 2025 pukul 10.12 Anna <anna@vendor.example> menulis:",
            "Dari: Anna <anna@vendor.example>\nDikirim: Senin, 03 Februari 2025 10.12\nKepada: CLP <reply+abc@clp.test>\nSubjek: RE: Locked cut",
            "Pada 3 Feb 2025, pukul 10.12, Anna <anna@vendor.example> menulis:", "Dikirim dari iPhone saya", "Balasan otomatis: Locked cut"),
        new("vi", "Vào Th 2, 3 thg 2, 2025 vào lúc 10:12 Anna <anna@vendor.example> đã viết:",
            "Từ: Anna <anna@vendor.example>\nĐã gửi: Thứ Hai, ngày 3 tháng 2 năm 2025 10:12\nĐến: CLP <reply+abc@clp.test>\nChủ đề: RE: Locked cut",
            "Vào 10:12, ngày 3 thg 2, 2025, Anna <anna@vendor.example> đã viết:", "Được gửi từ iPhone của tôi", "Trả lời tự động: Locked cut"),
    ];

    public static TheoryData<string> Tags()
    {
        var data = new TheoryData<string>();
        foreach (var language in All)
        {
            data.Add(language.Tag);
        }

        return data;
    }

    public static LocalizedClientStrings For(string tag) => All.Single(l => l.Tag == tag);
}
