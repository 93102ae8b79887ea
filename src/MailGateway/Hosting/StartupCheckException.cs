namespace ClpMailGateway.Hosting;

/// <summary>The gateway or the web cannot work as configured (the database cannot be written, the mailbox folder does
/// not exist); the message is the one line it stops with.</summary>
public sealed class StartupCheckException : Exception
{
    public StartupCheckException()
    {
    }

    public StartupCheckException(string message)
        : base(message)
    {
    }

    public StartupCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
