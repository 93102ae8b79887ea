namespace ClpMailGateway.Outbound;

/// <summary>Why a user gets no mail about a message, as a code a page can say in the reader's language.</summary>
public enum UnmailedReason
{
    Deactivated,
    CannotRead,
    NoAddress,
    Suppressed,
    MentionsOff,
}
