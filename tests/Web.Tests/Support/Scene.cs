using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests.Support;

/// <summary>One title (fr, de) with a message and an attachment in each of its four channels, and a user of every
/// kind the policy tells apart. Each message holds one unique word, so a leak is easy to spot.</summary>
public sealed class Scene
{
    public static readonly IReadOnlyDictionary<string, string> Words = new Dictionary<string, string>
    {
        ["internal"] = "alphainternal",
        ["broadcast"] = "bravobroadcast",
        ["vendor-fr"] = "charliefrench",
        ["vendor-de"] = "deltagerman",
    };

    public required Title Title { get; init; }
    public required User Pm { get; init; }
    public required User CpcInternalOff { get; init; }
    public required User VendorFr { get; init; }
    public required User VendorFrNotEnabled { get; init; }
    public required User Stranger { get; init; }
    public required Dictionary<string, long> AttachmentIds { get; init; }

    public User Role(string name) => name switch
    {
        "pm" => Pm,
        "cpc-internal-off" => CpcInternalOff,
        "vendor-fr" => VendorFr,
        "vendor-fr-not-enabled" => VendorFrNotEnabled,
        "stranger" => Stranger,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown role"),
    };

    public string ChannelPath(string key) => $"/titles/{Title.Slug}/{key}";

    public static async Task<Scene> CreateAsync(WebApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var world = app.World;
        var title = await world.TitleAsync("fr", "de");
        var lumen = await world.VendorAsync(title, "fr");
        var other = await world.VendorAsync(title);
        var pm = await world.UserAsync(UserRole.Pm, languages: ["fr", "de"]);
        var scene = new Scene
        {
            Title = title,
            Pm = pm,
            CpcInternalOff = await world.UserAsync(UserRole.Cpc, internalOn: false),
            VendorFr = await world.UserAsync(UserRole.Vendor, lumen, ["fr"]),
            VendorFrNotEnabled = await world.UserAsync(UserRole.Vendor, lumen, []),
            Stranger = await world.UserAsync(UserRole.Vendor, other, ["fr", "de"]),
            AttachmentIds = [],
        };
        foreach (var (key, word) in Words)
        {
            var message = await PostAsync(app, pm, World.Channel(title, key), $"Kickoff note {word} for everyone here", ($"{word}.txt", "text/plain", "file of " + word));
            scene.AttachmentIds[key] = message.Attachments.Single().Id;
        }

        return scene;
    }

    public static async Task<Message> PostAsync(WebApp app, User author, Channel channel, string text, params (string Name, string Type, string Content)[] files)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Database.Scope();
        var poster = scope.ServiceProvider.GetRequiredService<MessagePoster>();
        var attachments = files.Select(f => new NewAttachment(f.Name, f.Type, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(f.Content)))).ToList();
        var result = await poster.PostAsync(new PostRequest(author.Id, channel.Id, text, attachments, MessageOrigin.Web), CancellationToken.None);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Message!;
    }
}
