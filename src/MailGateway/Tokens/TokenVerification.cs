namespace ClpMailGateway.Tokens;

public enum TokenProblem
{
    None,

    /// <summary>Not of our shape at all.</summary>
    Malformed,

    /// <summary>Signed with a key that is no longer (or never was) configured: rotated out.</summary>
    UnknownKey,

    /// <summary>Right shape, but no such token or the signature does not match: guessed or tampered.</summary>
    Forged,

    Revoked,

    /// <summary>Not renewed by a notification for longer than <see cref="ReplyTokenOptions.Lifetime"/>.</summary>
    Expired,
}

public sealed record TokenVerification(TokenProblem Problem, long TokenId, int UserId, int ChannelId)
{
    public bool IsValid => Problem == TokenProblem.None;

    public static TokenVerification Failed(TokenProblem problem) => new(problem, 0, 0, 0);
}
