using ClpMailGateway.Domain;
using ClpMailGateway.Unsubscribe;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Unsubscribe;

/// <summary>What an unsubscribe link covers, in the reader's language: the conversation's title and its channel's name
/// as the web says it, or the scope's own words.</summary>
public static class UnsubscribeText
{
    public static Phrase Of(UnsubscribeSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.Scope switch
        {
            UnsubscribeScope.Channel => Phrase.Of<UnsubscribeStrings>("ChannelOfTitle", subject.TitleName ?? string.Empty, ChannelText.NamePhrase(subject.Kind ?? ChannelKind.Vendor, subject.ChannelLanguage)),
            UnsubscribeScope.Title => Phrase.Of<UnsubscribeStrings>("EveryChannelOf", subject.TitleName ?? string.Empty),
            UnsubscribeScope.Kind => Phrase.Of<UnsubscribeStrings>("Kind" + (subject.Kind ?? ChannelKind.Vendor)),
            UnsubscribeScope.Digest => Phrase.Of<UnsubscribeStrings>("Digests"),
            _ => Phrase.Of<UnsubscribeStrings>("AllMail"),
        };
    }
}
