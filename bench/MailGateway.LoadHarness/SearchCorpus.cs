namespace ClpMailGateway.LoadHarness;

/// <summary>Message text for the search scenario: sentences of the kind vendors and coordinators write, in 20 languages
/// and their scripts, plus the queries a person would type in each.</summary>
internal static class SearchCorpus
{
    /// <summary>A word put in about one message in 5,000: the "rare word" of the query mix.</summary>
    public const string RareWord = "zanzibar";

    public static readonly IReadOnlyDictionary<string, string[]> Sentences = new Dictionary<string, string[]>
    {
        ["en"] = [
            "The new timeline for episode {n} is attached, please check the shot changes.",
            "Locked cut arrives on Friday; the conform will follow on Monday.",
            "Subtitle delivery for reel {n} is late, we need the final template.",
            "Forced narrative events are missing in the glossary for episode {n}.",
            "Audio stems and loudness report uploaded, QC notes to follow.",
            "Please confirm the delivery date for the dubbing script of episode {n}.",
            "The spotting list does not match the timeline from the editor.",
            "Thanks, the corrected version is on the server now.",
        ],
        ["fr"] = [
            "Les sous-titres de l'épisode {n} sont livrés, merci de vérifier la timeline.",
            "Le montage définitif arrive vendredi ; la conformation suivra lundi.",
            "Le résumé de l'épisode {n} est prêt pour la relecture.",
            "Il manque des sous-titres forcés dans le glossaire.",
            "Pouvez-vous confirmer la date de livraison du doublage ?",
            "La version corrigée est sur le serveur, merci.",
        ],
        ["de"] = [
            "Die Untertitel für Folge {n} sind geliefert, bitte die Timeline prüfen.",
            "Der finale Schnitt kommt am Freitag, das Conforming folgt am Montag.",
            "Im Glossar fehlen die erzwungenen Untertitel für Folge {n}.",
            "Die Synchronfassung ist fertig, die Mischung folgt nächste Woche.",
            "Bitte bestätigen Sie den Liefertermin für das Drehbuch.",
            "Danke, die korrigierte Fassung liegt auf dem Server.",
        ],
        ["es"] = [
            "Los subtítulos del episodio {n} están entregados, revisad la línea de tiempo.",
            "El montaje final llega el viernes; el conformado seguirá el lunes.",
            "Falta la revisión del glosario para el episodio {n}.",
            "¿Podéis confirmar la fecha de entrega del doblaje?",
            "La versión corregida ya está en el servidor, gracias.",
            "Los cambios de plano no coinciden con la plantilla.",
        ],
        ["it"] = [
            "I sottotitoli dell'episodio {n} sono stati consegnati, controllate la timeline.",
            "Il montaggio definitivo arriva venerdì; il conform seguirà lunedì.",
            "Nel glossario mancano i sottotitoli forzati dell'episodio {n}.",
            "Potete confermare la data di consegna del doppiaggio?",
            "La versione corretta è sul server, grazie.",
        ],
        ["pt-BR"] = [
            "As legendas do episódio {n} foram entregues, por favor verifiquem a timeline.",
            "O corte final chega na sexta-feira; a conformação segue na segunda.",
            "Faltam legendas forçadas no glossário do episódio {n}.",
            "Vocês podem confirmar a data de entrega da dublagem?",
            "A versão corrigida já está no servidor, obrigado.",
        ],
        ["nl"] = [
            "De ondertitels voor aflevering {n} zijn geleverd, controleer de tijdlijn.",
            "De definitieve montage komt vrijdag; de conform volgt maandag.",
            "In de woordenlijst ontbreken de geforceerde ondertitels.",
            "Kunnen jullie de leverdatum van de nasynchronisatie bevestigen?",
            "Bedankt, de gecorrigeerde versie staat op de server.",
        ],
        ["pl"] = [
            "Napisy do odcinka {n} zostały dostarczone, proszę sprawdzić oś czasu.",
            "Ostateczny montaż przychodzi w piątek; konformacja w poniedziałek.",
            "W glosariuszu brakuje napisów wymuszonych dla odcinka {n}.",
            "Czy możecie potwierdzić termin dostawy dubbingu?",
            "Dziękuję, poprawiona wersja jest na serwerze.",
        ],
        ["ru"] = [
            "Субтитры к эпизоду {n} отправлены, пожалуйста, проверьте таймлайн.",
            "Финальный монтаж придёт в пятницу, конформ — в понедельник.",
            "В глоссарии не хватает принудительных субтитров для эпизода {n}.",
            "Подтвердите, пожалуйста, дату сдачи дубляжа.",
            "Спасибо, исправленная версия уже на сервере.",
        ],
        ["uk"] = [
            "Субтитри до епізоду {n} надіслано, будь ласка, перевірте таймлайн.",
            "Фінальний монтаж надійде в пʼятницю, конформ — у понеділок.",
            "У глосарії бракує примусових субтитрів для епізоду {n}.",
            "Підтвердіть, будь ласка, дату здачі дубляжу.",
            "Дякую, виправлена версія вже на сервері.",
        ],
        ["el"] = [
            "Οι υπότιτλοι για το επεισόδιο {n} παραδόθηκαν, ελέγξτε το χρονοδιάγραμμα.",
            "Το τελικό μοντάζ έρχεται την Παρασκευή.",
            "Λείπουν οι αναγκαστικοί υπότιτλοι από το γλωσσάριο.",
            "Μπορείτε να επιβεβαιώσετε την ημερομηνία παράδοσης της μεταγλώττισης;",
            "Ευχαριστώ, η διορθωμένη έκδοση είναι στον διακομιστή.",
        ],
        ["tr"] = [
            "{n}. bölümün altyazıları teslim edildi, lütfen zaman çizelgesini kontrol edin.",
            "Kesin kurgu cuma günü geliyor; uyarlama pazartesi.",
            "Sözlükte {n}. bölümün zorunlu altyazıları eksik.",
            "Dublaj teslim tarihini onaylayabilir misiniz?",
            "Teşekkürler, düzeltilmiş sürüm sunucuda.",
        ],
        ["ar"] = [
            "تم تسليم الترجمة للحلقة {n}، يرجى مراجعة الجدول الزمني.",
            "النسخة النهائية من المونتاج تصل يوم الجمعة.",
            "تنقص الترجمة الإجبارية في قائمة المصطلحات للحلقة {n}.",
            "هل يمكنكم تأكيد موعد تسليم الدبلجة؟",
            "شكرا، النسخة المصححة موجودة على الخادم.",
        ],
        ["he"] = [
            "הכתוביות לפרק {n} נמסרו, נא לבדוק את לוח הזמנים.",
            "העריכה הסופית מגיעה ביום שישי.",
            "חסרות כתוביות כפויות במילון המונחים לפרק {n}.",
            "תוכלו לאשר את מועד מסירת הדיבוב?",
            "תודה, הגרסה המתוקנת נמצאת בשרת.",
        ],
        ["hi"] = [
            "एपिसोड {n} के उपशीर्षक भेज दिए गए हैं, कृपया टाइमलाइन जाँचें।",
            "फाइनल कट शुक्रवार को आएगा।",
            "शब्दावली में एपिसोड {n} के अनिवार्य उपशीर्षक नहीं हैं।",
            "क्या आप डबिंग की डिलीवरी की तारीख की पुष्टि कर सकते हैं?",
            "धन्यवाद, सुधारा हुआ संस्करण सर्वर पर है।",
        ],
        ["th"] = [
            "ส่งคำบรรยายสำหรับตอนที่ {n} แล้ว กรุณาตรวจสอบไทม์ไลน์",
            "ฉบับตัดต่อสุดท้ายจะมาถึงวันศุกร์",
            "อภิธานศัพท์ยังขาดคำบรรยายบังคับของตอนที่ {n}",
            "ช่วยยืนยันวันส่งงานพากย์เสียงได้ไหมครับ",
            "ขอบคุณครับ ไฟล์ที่แก้ไขแล้วอยู่บนเซิร์ฟเวอร์",
        ],
        ["ja"] = [
            "第{n}話の字幕ファイルを納品しました。ご確認ください。",
            "タイムコードがずれています。修正をお願いします。",
            "用語集を更新しました。強制字幕の表記を統一しました。",
            "ロックカットは金曜日に届きます。",
            "吹替台本の納期を確認させてください。",
        ],
        ["zh"] = [
            "第{n}集的字幕文件已交付，请检查时间轴。",
            "最终剪辑版本周五到达，周一进行套片。",
            "术语表中缺少第{n}集的强制字幕。",
            "请确认配音的交付日期。",
            "谢谢，修改后的版本已经上传到服务器。",
        ],
        ["ko"] = [
            "{n}화 자막 파일을 납품했습니다. 타임라인을 확인해 주세요.",
            "최종 편집본은 금요일에 도착합니다.",
            "용어집에 {n}화 강제 자막이 빠져 있습니다.",
            "더빙 납기일을 확인해 주시겠어요?",
            "감사합니다. 수정된 버전이 서버에 있습니다.",
        ],
        ["vi"] = [
            "Phụ đề tập {n} đã được giao, vui lòng kiểm tra dòng thời gian.",
            "Bản dựng cuối cùng sẽ đến vào thứ Sáu.",
            "Bảng thuật ngữ còn thiếu phụ đề bắt buộc của tập {n}.",
            "Bạn có thể xác nhận ngày giao bản lồng tiếng không?",
            "Cảm ơn, bản đã sửa có trên máy chủ.",
        ],
    };

    /// <summary>People named in messages (medium-frequency words).</summary>
    public static readonly string[] Names = ["Anna", "Léa", "Jonas", "Sofia", "Yuki", "Wei", "Minji", "Olga", "Ahmed", "Noa", "Priya", "Somchai", "Marco", "Ana", "Piotr"];

    /// <summary>Queries typed in an English-speaking conversation or across a title (a rare word, common words,
    /// several words, a phrase, prefixes, a number).</summary>
    public static readonly string[] EnglishQueries =
        [RareWord, "timeline", "delivery", "subtitle delivery", "\"locked cut\"", "tim*", "deliv*", "glossary episode", "Yuki", "corrected version server"];

    /// <summary>Queries in each language (what a vendor of that language types).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> LanguageQueries = new Dictionary<string, string[]>
    {
        ["fr"] = ["sous-titres", "resume", "livraison doublage", "conform*"],
        ["de"] = ["Untertitel", "Glossar", "Liefertermin Drehbuch", "korrig*"],
        ["es"] = ["subtitulos", "\"montaje final\"", "glosario"],
        ["ru"] = ["субтитры", "глоссарии", "дату сдачи", "монт*"],
        ["uk"] = ["субтитри", "таймлайн"],
        ["ar"] = ["الترجمة", "الجدول الزمني"],
        ["he"] = ["כתוביות", "הדיבוב"],
        ["el"] = ["υπότιτλοι", "γλωσσάριο"],
        ["hi"] = ["उपशीर्षक", "टाइमलाइन"],
        ["tr"] = ["altyazıları", "sözlükte"],
        ["ja"] = ["字幕ファイル", "用語集", "字幕", "タイムコード 修正"],
        ["zh"] = ["时间轴", "字幕文件", "配音"],
        ["ko"] = ["자막 파일", "용어집", "타임라인"],
        ["th"] = ["คำบรรยาย", "ไทม์ไลน์"],
        ["vi"] = ["phụ đề", "thuật ngữ"],
        ["pl"] = ["napisy", "dubbingu"],
        ["it"] = ["sottotitoli", "doppiaggio"],
        ["pt-BR"] = ["legendas", "dublagem"],
        ["nl"] = ["ondertitels", "woordenlijst"],
        ["en"] = [],
    };
}
