using System.Text.Json;
using ClpMailGateway.Administration;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>import FILE [--dry-run]</c>: titles, vendors, users and assignments from the production system (the
/// API's JSON document, or people as CSV), upserted by external id through the administration service: all or nothing,
/// a repeat changes nothing. Prints each change (or, with <c>--dry-run</c>, each change it would make) as a JSON line, then
/// a summary; each bad row as a JSON line with its line, field and reason, and exits 5 having changed nothing.</summary>
internal static class ImportCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        var parsed = CommandArguments.Parse("import", args, new HashSet<string>(), flags: new HashSet<string> { "dry-run" });
        if (parsed.Positional.Count != 1)
        {
            throw CommandException.Usage("import: give one FILE (.json, or .csv for people).");
        }

        var path = parsed.Positional[0];
        if (!File.Exists(path))
        {
            throw new CommandException(ExitCodes.NotFound, $"import: no file {path}.");
        }

        var dryRun = parsed.Flag("dry-run");
        var (document, errors) = await ReadAsync(path, cancellationToken);
        if (document is not null)
        {
            await CommandLookups.EnsureMigratedAsync(services.GetRequiredService<Storage.GatewayDbContext>(), cancellationToken);
            var result = await services.GetRequiredService<AdministrationService>().ApplyAsync(
                document, Actor.ForCommandLine(), new ApplyOptions(dryRun, MayChangeRoles: true, RequireExternalIds: true), cancellationToken);
            errors = result.Errors;
            if (result.Succeeded)
            {
                foreach (var change in result.Changes)
                {
                    JsonLines.Write(stdout, new { Type = "change", change.Entity, change.Key, change.Action, Before = Element(change.Before), After = Element(change.After) });
                }

                JsonLines.Write(stdout, new { Type = "import", File = path, DryRun = dryRun, Rows = document.RowCount, Changes = result.Changes.Count });
                return ExitCodes.Ok;
            }
        }

        foreach (var error in errors)
        {
            JsonLines.Write(stdout, new { Type = "error", error.Line, error.Section, error.Index, error.Field, error.Reason });
        }

        throw new CommandException(ExitCodes.Refused, $"import: {errors.Count} bad rows in {path}; nothing was changed.");
    }

    private static async Task<(SyncDocument?, IReadOnlyList<RowError>)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            return PeopleCsvReader.Read(reader);
        }

        var (document, error) = SyncDocumentReader.Read(await File.ReadAllBytesAsync(path, cancellationToken));
        return (document, error is null ? [] : [error]);
    }

    private static JsonElement? Element(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
