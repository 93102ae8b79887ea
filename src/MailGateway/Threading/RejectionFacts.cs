namespace ClpMailGateway.Threading;

/// <summary>What a rejection mail says about its case, as values (never sentences), so that it can be written in the
/// sender's language: the words around them are the language's for the reason.</summary>
public sealed record RejectionFacts
{
    public static RejectionFacts None { get; } = new();

    /// <summary>The title concerned.</summary>
    public string? Title { get; init; }

    /// <summary>The conversation concerned (the reader sees it as "Title · Channel", named in their language).</summary>
    public RejectionChannel? Channel { get; init; }

    /// <summary>The address the mail came from.</summary>
    public string? Sender { get; init; }

    /// <summary>A file's name and size, and the size limit it broke.</summary>
    public string? File { get; init; }

    public string? Size { get; init; }

    public string? Limit { get; init; }

    /// <summary>Conversations the sender may post in instead (a digest's channels, a title's open channels), with links.</summary>
    public IReadOnlyList<RejectionChannel> Channels { get; init; } = [];
}

/// <summary>A conversation named in a rejection: its title, channel and link.</summary>
public sealed record RejectionChannel(string Title, Domain.ChannelKind Kind, string? Language, string EnglishName, string Url)
{
    public static RejectionChannel Of(Domain.Channel channel, Domain.Title title, string webBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(title);
        return new RejectionChannel(
            title.Name, channel.Kind, channel.Language, Domain.ChannelNames.Display(channel),
            Links.WebRoutes.Absolute(webBaseUrl, Links.WebRoutes.ChannelPath(title.Slug, channel.Key)));
    }
}
