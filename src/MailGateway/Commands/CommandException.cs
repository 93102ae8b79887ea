namespace ClpMailGateway.Commands;

/// <summary>A command cannot do what was asked; the message is the one line printed on stderr.</summary>
public sealed class CommandException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CommandException Usage(string message) => new(ExitCodes.Usage, message);

    public static CommandException NotFound(string message) => new(ExitCodes.NotFound, message);
}
