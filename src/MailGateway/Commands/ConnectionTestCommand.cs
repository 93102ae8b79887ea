using ClpMailGateway.Checks;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>imap test</c> and <c>smtp test --to ADDRESS</c>: the connection checks (<see cref="ConnectionChecks"/>),
/// one JSON line per step that went through, or one line naming what failed and exit 1.</summary>
internal static class ConnectionTestCommand
{
    public static async Task<int> ImapAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] != "test")
        {
            throw CommandException.Usage("usage: imap test");
        }

        CommandArguments.Parse("imap test", args[1..], new HashSet<string>()).NoPositional();
        return Print(await Run(() => services.GetRequiredService<ConnectionChecks>().ImapAsync(cancellationToken)), stdout);
    }

    public static async Task<int> SmtpAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] != "test")
        {
            throw CommandException.Usage("usage: smtp test --to ADDRESS");
        }

        var parsed = CommandArguments.Parse("smtp test", args[1..], new HashSet<string> { "to" });
        parsed.NoPositional();
        var to = parsed.Required("to");
        if (!MimeKit.MailboxAddress.TryParse(to, out var address) || address.Address.Length == 0 || !address.Address.Contains('@', StringComparison.Ordinal))
        {
            throw CommandException.Usage($"smtp test: --to '{to}' is not a mail address");
        }

        var checks = await Run(() => Task.Factory.StartNew(
            () => services.GetRequiredService<ConnectionChecks>().Smtp(address.Address, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        return Print(checks, stdout);
    }

    private static async Task<IReadOnlyList<ConnectionCheck>> Run(Func<Task<IReadOnlyList<ConnectionCheck>>> check)
    {
        try
        {
            return await check();
        }
        catch (ConnectionCheckException ex)
        {
            throw new CommandException(ExitCodes.Failure, ex.Message);
        }
    }

    private static int Print(IReadOnlyList<ConnectionCheck> checks, TextWriter stdout)
    {
        foreach (var check in checks)
        {
            var line = new Dictionary<string, object?> { ["type"] = check.Type };
            foreach (var (key, value) in check.Found)
            {
                line[key] = value;
            }

            JsonLines.Write(stdout, line);
        }

        return ExitCodes.Ok;
    }
}
