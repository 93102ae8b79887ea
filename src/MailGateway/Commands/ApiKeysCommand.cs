using System.Globalization;
using ClpMailGateway.Administration;
using ClpMailGateway.Domain;
using ClpMailGateway.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>api-keys create --name NAME --scope sync [--scope admin]</c> prints a new key for the sync API (shown this
/// once: only its hash is kept); <c>api-keys list</c> the keys (never their secrets); <c>api-keys revoke ID</c>.</summary>
internal static class ApiKeysCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            throw CommandException.Usage("api-keys: say create, list or revoke.");
        }

        var db = services.GetRequiredService<GatewayDbContext>();
        await CommandLookups.EnsureMigratedAsync(db, cancellationToken);
        var keys = services.GetRequiredService<ApiKeyService>();
        switch (args[0])
        {
            case "create":
                var create = CommandArguments.Parse("api-keys create", args[1..], new HashSet<string> { "name", "scope" }, new HashSet<string> { "scope" });
                create.NoPositional();
                var scopes = create.All("scope");
                if (scopes.Count == 0 || scopes.Any(s => !ApiScopes.All.Contains(s)))
                {
                    throw CommandException.Usage($"api-keys create: give --scope {string.Join(" and/or --scope ", ApiScopes.All)}.");
                }

                ApiKeyService.CreatedKey created;
                try
                {
                    created = await keys.CreateAsync(create.Required("name"), scopes.ToList(), Actor.ForCommandLine(), cancellationToken);
                }
                catch (ArgumentException ex)
                {
                    throw CommandException.Usage("api-keys create: " + ex.Message);
                }

                JsonLines.Write(stdout, new { Type = "api_key", created.Key.Id, created.Key.Name, Scopes = created.Key.Scopes.Split(' '), Key = created.Text });
                return ExitCodes.Ok;
            case "list":
                CommandArguments.Parse("api-keys list", args[1..], new HashSet<string>()).NoPositional();
                foreach (var key in await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(cancellationToken))
                {
                    JsonLines.Write(stdout, new
                    {
                        Type = "api_key", key.Id, key.Name, key.Prefix, Scopes = key.Scopes.Split(' '), key.CreatedAtUtc, key.LastUsedAtUtc, key.RevokedAtUtc,
                    });
                }

                return ExitCodes.Ok;
            case "revoke":
                var revoke = CommandArguments.Parse("api-keys revoke", args[1..], new HashSet<string>());
                if (revoke.Positional.Count != 1 || !int.TryParse(revoke.Positional[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    throw CommandException.Usage("api-keys revoke: give the key's ID (api-keys list).");
                }

                if (!await keys.RevokeAsync(id, Actor.ForCommandLine(), cancellationToken))
                {
                    throw new CommandException(ExitCodes.NotFound, $"api-keys revoke: no live key {id}.");
                }

                JsonLines.Write(stdout, new { Type = "revoked", Id = id });
                return ExitCodes.Ok;
            default:
                throw CommandException.Usage($"api-keys: unknown action '{args[0]}'; say create, list or revoke.");
        }
    }
}
