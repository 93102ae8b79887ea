using ClpMailGateway.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClpMailGateway.Commands;

/// <summary>The gateway executable's commands. Data goes to stdout as JSON lines; a failure is one line on stderr
/// and a non-zero exit code (<see cref="ExitCodes"/>).</summary>
public static class GatewayCli
{
    public const string Usage = """
        usage: MailGateway <command> [options]
          run                         host the gateway (scheduler, inbound and outbound jobs)
          migrate                     create or upgrade the database
          seed-demo                   create the demo titles, vendors, languages, users and messages
          post --as EMAIL --title SLUG --channel KEY (--text TEXT | --text-file FILE) [--attach FILE]...
          messages --title SLUG --channel KEY [--as EMAIL] [--search QUERY] [--limit N]
          inspect PATH...             classify and trim raw mails (.eml) or reply bodies (.txt); no database
          poll                        poll the gateway mailbox once now and send the outbox
          quarantine list [--all] | show ID [--raw] | replay ID | post ID --channel KEY
          notifications stuck [--all] | retry ID
          import FILE [--dry-run]     titles, vendors, users and assignments (JSON), or people (CSV), by external id
          api-keys create --name NAME --scope sync [--scope admin] | list | revoke ID
          tokens issue --as EMAIL --title SLUG --channel KEY | tokens revoke --user EMAIL
          imap test                   connect and log in to the gateway mailbox; TLS, auth, folders, message count
          smtp test --to ADDRESS      send one test mail through the relay; what it offered and its answer
        channel keys: internal, broadcast, vendor-<language tag> (vendor-fr, vendor-pt-br)
        settings: appsettings.json and environment variables (ConnectionStrings__Gateway=...)
        """;

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        IReadOnlyDictionary<string, string?>? configurationOverrides,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await (args.Length == 0 ? stderr : stdout).WriteLineAsync(Usage.AsMemory(), cancellationToken);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }

        var command = args[0];
        var rest = args[1..];
        try
        {
            if (command == "run")
            {
                return await RunCommand.RunAsync(rest, configurationOverrides, cancellationToken);
            }

            var configuration = GatewayConfiguration.Build(configurationOverrides);
            if (command == "inspect")
            {
                // Pure: no database, no network.
                return await InspectCommand.RunAsync(rest, configuration, stdout, cancellationToken);
            }

            await using var services = BuildServices(configuration);
            await using var scope = services.CreateAsyncScope();
            var provider = scope.ServiceProvider;
            return command switch
            {
                "migrate" => await MigrateCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "seed-demo" => await SeedDemoCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "post" => await PostCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "messages" => await MessagesCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "poll" => await PollCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "quarantine" => await QuarantineCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "notifications" => await NotificationsCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "import" => await ImportCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "api-keys" => await ApiKeysCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "tokens" => await TokensCommand.RunAsync(rest, provider, stdout, cancellationToken),
                "imap" => await ConnectionTestCommand.ImapAsync(rest, provider, stdout, cancellationToken),
                "smtp" => await ConnectionTestCommand.SmtpAsync(rest, provider, stdout, cancellationToken),
                _ => throw CommandException.Usage($"unknown command '{command}'; run with --help for the list."),
            };
        }
        catch (CommandException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}".AsMemory(), CancellationToken.None);
            return ex.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("error: cancelled".AsMemory(), CancellationToken.None);
            return ExitCodes.Failure;
        }
        catch (Exception ex) when (ex is InvalidOperationException or DbUpdateException or IOException or UnauthorizedAccessException
            or System.Data.Common.DbException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await stderr.WriteLineAsync($"error: {OneLine(ex)}".AsMemory(), CancellationToken.None);
            return ExitCodes.Failure;
        }
    }

    private static ServiceProvider BuildServices(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        // Commands keep stdout for JSON: only warnings and errors are logged, and to stderr.
        services.AddLogging(logging => logging
            .AddGatewayConsole()
            .SetMinimumLevel(LogLevel.Warning));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        services.AddGatewayCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    private static string OneLine(Exception ex)
    {
        var message = ex.InnerException is { } inner && ex is DbUpdateException ? inner.Message : ex.Message;
        return message.ReplaceLineEndings(" ");
    }
}
