using ClpMailGateway.Domain;

namespace ClpMailGateway.Unsubscribe;

/// <summary>What an unsubscribe token stands for: a user and what to turn off (<see cref="UnsubscribeScope"/>).</summary>
public readonly record struct UnsubscribeTarget(int UserId, UnsubscribeScope Scope, int Id)
{
    public static UnsubscribeTarget ForChannel(int userId, int channelId) => new(userId, UnsubscribeScope.Channel, channelId);

    public static UnsubscribeTarget ForTitle(int userId, int titleId) => new(userId, UnsubscribeScope.Title, titleId);

    public static UnsubscribeTarget ForKind(int userId, ChannelKind kind) => new(userId, UnsubscribeScope.Kind, (int)kind);

    public static UnsubscribeTarget ForAll(int userId) => new(userId, UnsubscribeScope.All, 0);

    /// <summary>Digests of the kinds in <paramref name="kinds"/> (those on digest delivery now).</summary>
    public static UnsubscribeTarget ForDigest(int userId, IEnumerable<ChannelKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return new(userId, UnsubscribeScope.Digest, kinds.Aggregate(0, (mask, kind) => mask | (1 << (int)kind)));
    }

    /// <summary>The channel kinds of a <see cref="UnsubscribeScope.Digest"/> target.</summary>
    public IReadOnlyList<ChannelKind> DigestKinds()
    {
        var mask = Id;
        return Enum.GetValues<ChannelKind>().Where(k => (mask & (1 << (int)k)) != 0).ToList();
    }
}
