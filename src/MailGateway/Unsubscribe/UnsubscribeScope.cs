namespace ClpMailGateway.Unsubscribe;

/// <summary>How much mail an unsubscribe link turns off.</summary>
public enum UnsubscribeScope : byte
{
    /// <summary>One channel of one title (the one-click link of a notification): <see cref="UnsubscribeTarget.Id"/> is the
    /// channel's id.</summary>
    Channel = 10,

    /// <summary>Every channel of one title: the id is the title's.</summary>
    Title = 11,

    /// <summary>One channel kind on every title: the id is the <see cref="Domain.ChannelKind"/>.</summary>
    Kind = 12,

    /// <summary>All mail about messages (every kind off, mentions off): the id is 0.</summary>
    All = 13,

    /// <summary>Digests (the one-click link of a digest): the id is a bit mask (1 &lt;&lt; kind) of the kinds that were on
    /// digest delivery when the digest was made, which an undo puts back.</summary>
    Digest = 14,
}
