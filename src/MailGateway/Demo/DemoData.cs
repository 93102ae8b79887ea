using ClpMailGateway.Domain;

namespace ClpMailGateway.Demo;

/// <summary>The demo world: two titles, five languages, two vendors splitting them, staff and linguists at
/// <c>@clp.test</c> (every address has a mailbox with password <c>demo</c> on the servers of <c>scripts/mail-servers</c>).</summary>
internal static class DemoData
{
    public sealed record DemoTitle(string Slug, string Name, string[] Languages);

    public sealed record DemoVendor(string Name, Dictionary<string, string[]> Titles);

    public sealed record DemoUser(string Email, string Name, string Handle, UserRole Role, string? Vendor, string[] Languages, bool IsAdmin = false);

    public sealed record DemoMessage(string Title, string Channel, string Author, string Text);

    public static readonly DemoTitle[] Titles =
    [
        new("blue-harbor-s2", "Blue Harbor S2", ["fr", "de", "ja", "pt-BR"]),
        new("midnight-atlas", "Midnight Atlas", ["fr", "de", "es", "pt-BR"]),
    ];

    public static readonly DemoVendor[] Vendors =
    [
        new("Lumen Subtitles", new() { ["blue-harbor-s2"] = ["fr", "de"], ["midnight-atlas"] = ["fr", "de"] }),
        new("Kaiju Dubbing", new() { ["blue-harbor-s2"] = ["ja", "pt-BR"], ["midnight-atlas"] = ["es", "pt-BR"] }),
    ];

    public static readonly DemoUser[] Users =
    [
        new("pm.anna@clp.test", "Anna Pérez", "anna", UserRole.Pm, null, ["fr", "de", "ja", "es", "pt-BR"], IsAdmin: true),
        new("cpc.ben@clp.test", "Ben Okafor", "ben", UserRole.Cpc, null, ["fr", "de", "ja", "es", "pt-BR"]),
        new("cpc.chiara@clp.test", "Chiara Rossi", "chiara", UserRole.Cpc, null, ["fr", "de", "es", "pt-BR"]),
        new("fr.lea@clp.test", "Léa Martin", "lea", UserRole.Vendor, "Lumen Subtitles", ["fr"]),
        new("de.jonas@clp.test", "Jonas Weber", "jonas", UserRole.Vendor, "Lumen Subtitles", ["de"]),
        new("ja.yuki@clp.test", "Yuki Tanaka", "yuki", UserRole.Vendor, "Kaiju Dubbing", ["ja"]),
        new("es.sofia@clp.test", "Sofía Gómez", "sofia", UserRole.Vendor, "Kaiju Dubbing", ["es"]),
        new("ptbr.rafael@clp.test", "Rafael Souza", "rafael", UserRole.Vendor, "Kaiju Dubbing", ["pt-BR"]),
    ];

    public static readonly DemoMessage[] Messages =
    [
        new("blue-harbor-s2", "internal", "pm.anna@clp.test", "Kickoff for Blue Harbor S2: locked cut expected on Friday. @ben please confirm the IMF delivery slot."),
        new("blue-harbor-s2", "internal", "cpc.ben@clp.test", "Confirmed, IMF slot booked for Monday 09:00 UTC. Escalating the late French template to Lumen."),
        new("blue-harbor-s2", "broadcast", "pm.anna@clp.test", "Locked cut is available. Please use the v3 subtitle template; v2 has wrong shot changes in episode 4."),
        new("blue-harbor-s2", "broadcast", "cpc.ben@clp.test", "Reminder: forced narratives are due with the full subtitles, not separately."),
        new("blue-harbor-s2", "vendor-fr", "fr.lea@clp.test", "Bonjour, the timeline in episode 2 drifts by 12 frames after the recap. Can you check the conform?"),
        new("blue-harbor-s2", "vendor-fr", "pm.anna@clp.test", "Thanks Léa, a corrected timeline is uploaded. @lea please re-spot from 00:41:10."),
        new("blue-harbor-s2", "vendor-de", "de.jonas@clp.test", "Frage zur Terminologie: should \"harbor master\" stay as Hafenmeister throughout?"),
        new("blue-harbor-s2", "vendor-de", "cpc.chiara@clp.test", "Yes, keep Hafenmeister; it is in the glossary now."),
        new("blue-harbor-s2", "vendor-ja", "ja.yuki@clp.test", "第3話の字幕ファイルを納品しました。ご確認ください。"),
        new("blue-harbor-s2", "vendor-ja", "cpc.ben@clp.test", "Received episode 3 Japanese subtitles, QC starts today."),
        new("blue-harbor-s2", "vendor-pt-br", "ptbr.rafael@clp.test", "Olá! The dubbing script for episode 1 is ready for review."),
        new("blue-harbor-s2", "vendor-pt-br", "pm.anna@clp.test", "Obrigada Rafael, reviewing it this afternoon."),
        new("midnight-atlas", "internal", "cpc.chiara@clp.test", "Midnight Atlas: the Spanish vendor asked for an extension, I suggest two days."),
        new("midnight-atlas", "broadcast", "pm.anna@clp.test", "Welcome to Midnight Atlas. The style guide and the glossary are attached to the kickoff mail."),
        new("midnight-atlas", "vendor-fr", "fr.lea@clp.test", "Question: the on-screen text in the opening titles, do we subtitle it?"),
        new("midnight-atlas", "vendor-de", "de.jonas@clp.test", "Episode 1 German subtitles delivered."),
        new("midnight-atlas", "vendor-es", "es.sofia@clp.test", "Hola, ¿podemos tener dos días más para la revisión?"),
        new("midnight-atlas", "vendor-es", "cpc.chiara@clp.test", "Sí, two more days are approved."),
        new("midnight-atlas", "vendor-pt-br", "ptbr.rafael@clp.test", "Casting for the lead voices is done."),
    ];
}
