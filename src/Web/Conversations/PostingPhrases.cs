using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Web.Layout;

namespace ClpMailGateway.Web.Conversations;

/// <summary>The gateway's posting errors and mention notices as phrases in the reader's language: the key is the code's
/// name, the arguments the code's own, with sizes described in the culture of the request and
/// reasons said in words of their own.</summary>
public static class PostingPhrases
{
    public static string Key(PostErrorCode code) => "PostError." + code;

    public static string Key(MentionNoticeCode code) => "Mention." + code;

    public static string Key(UnmailedReason reason) => "Unmailed." + reason;

    public static Phrase Of(PostError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var arguments = error.Code switch
        {
            PostErrorCode.AttachmentTooLarge => [error.Arguments[0], PostingLimits.Describe((long)error.Arguments[1])],
            _ => error.Arguments.ToArray(),
        };
        return new Phrase(typeof(ConversationStrings), Key(error.Code), arguments);
    }

    public static Phrase Of(MentionNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var arguments = notice.Arguments.Select(a => a is UnmailedReason reason ? new Phrase(typeof(ConversationStrings), Key(reason)) : a).ToArray();
        return new Phrase(typeof(ConversationStrings), Key(notice.Code), arguments);
    }
}
