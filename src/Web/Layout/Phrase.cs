using Microsoft.Extensions.Localization;

namespace ClpMailGateway.Web.Layout;

/// <summary>A sentence to show, named by its resource and key and said in the reader's language when a page renders:
/// handlers and validators decide what to say without holding a localizer.</summary>
public sealed record Phrase(Type Resource, string Key, params object[] Arguments)
{
    public static Phrase Of<TResource>(string key, params object[] arguments) => new(typeof(TResource), key, arguments);

    /// <summary>Text that is already what to show (a name, a reason from the gateway).</summary>
    public static Phrase Verbatim(string text) => new(typeof(Phrase), text);

    public string In(IStringLocalizerFactory localizers)
    {
        ArgumentNullException.ThrowIfNull(localizers);
        if (Resource == typeof(Phrase))
        {
            return Key;
        }

        var arguments = Arguments.Select(a => a is Phrase phrase ? phrase.In(localizers) : a).ToArray();
        return localizers.Create(Resource)[Key, arguments];
    }
}
