namespace ClpMailGateway.Authentication;

/// <summary>A DKIM key could not be looked up (the name does not exist, has no key, or DNS did not answer).</summary>
public sealed class DnsLookupException : Exception
{
    public DnsLookupException()
    {
    }

    public DnsLookupException(string message)
        : base(message)
    {
    }

    public DnsLookupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
