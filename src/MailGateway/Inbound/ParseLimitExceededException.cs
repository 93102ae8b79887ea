namespace ClpMailGateway.Inbound;

/// <summary>A parse went over its <see cref="ParseBudget"/>: the mail is quarantined with this reason, never retried
/// by itself.</summary>
public sealed class ParseLimitExceededException : Exception
{
    public ParseLimitExceededException()
    {
    }

    public ParseLimitExceededException(string message)
        : base(message)
    {
    }

    public ParseLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
