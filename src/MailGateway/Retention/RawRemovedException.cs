using System.Globalization;

namespace ClpMailGateway.Retention;

/// <summary>An inbound mail's raw bytes were removed by retention, so it cannot be read or threaded again.</summary>
public sealed class RawRemovedException : InvalidOperationException
{
    public RawRemovedException()
    {
    }

    public RawRemovedException(string message)
        : base(message)
    {
    }

    public RawRemovedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RawRemovedException(long inboundId, DateTime removedAtUtc)
        : base(Describe(inboundId, removedAtUtc))
    {
        RemovedAtUtc = removedAtUtc;
    }

    /// <summary>When retention removed the raw bytes.</summary>
    public DateTime RemovedAtUtc { get; }

    /// <summary>What an operator is told about such a mail.</summary>
    public static string Describe(long inboundId, DateTime removedAtUtc) => string.Create(
        CultureInfo.InvariantCulture,
        $"The raw mail of inbound mail {inboundId} was removed by retention on {removedAtUtc:yyyy-MM-dd} (UTC); what was posted stays, but the mail itself can no longer be shown or threaded again.");
}
