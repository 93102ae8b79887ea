using ClpMailGateway.Permissions;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Conversations;

/// <summary>Why a reader is refused a channel, in the reader's language (ConversationStrings "Reason…").</summary>
public static class AccessText
{
    public static Phrase Of(AccessDenial? denial)
    {
        if (denial is null)
        {
            return Phrase.Verbatim(string.Empty);
        }

        var language = denial.Language ?? string.Empty;
        return Phrase.Of<ConversationStrings>("Reason" + denial.Reason, ChannelText.LanguageName(language), language);
    }
}
