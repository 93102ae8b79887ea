using ClpMailGateway.Mail;
using ClpMailGateway.Permissions;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Commands;

/// <summary><c>tokens issue --as EMAIL --title SLUG --channel KEY</c> prints the reply address that user would get
/// for that channel; <c>tokens revoke --user EMAIL</c> revokes all of a user's reply addresses.</summary>
internal static class TokensCommand
{
    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            throw CommandException.Usage("tokens: say issue or revoke.");
        }

        var db = services.GetRequiredService<GatewayDbContext>();
        await CommandLookups.EnsureMigratedAsync(db, cancellationToken);
        var tokens = services.GetRequiredService<ReplyTokenService>();
        switch (args[0])
        {
            case "issue":
                var issue = CommandArguments.Parse("tokens issue", args[1..], new HashSet<string> { "as", "title", "channel" });
                issue.NoPositional();
                var user = await CommandLookups.UserByEmailAsync(db, issue.Required("as"), cancellationToken);
                var title = await CommandLookups.TitleBySlugAsync(db, issue.Required("title"), cancellationToken);
                var channel = await CommandLookups.ChannelByKeyAsync(db, title, issue.Required("channel"), cancellationToken);
                var access = ChannelPolicy.Decide(await AccessContextLoader.LoadAsync(db, user.Id, title.Id, cancellationToken), channel.Kind, channel.Language);
                if (!access.CanRead)
                {
                    throw new CommandException(ExitCodes.PermissionDenied, $"{user.Name} cannot read {title.Slug}/{channel.Key}: {access.ReadDeniedReason}.");
                }

                var token = await tokens.IssueAsync(user.Id, channel.Id, cancellationToken);
                var address = services.GetRequiredService<IOptions<MailOptions>>().Value.ReplyAddress(token);
                JsonLines.Write(stdout, new { Type = "reply_address", Address = address, Token = token, Title = title.Slug, Channel = channel.Key, User = issue.Required("as") });
                return ExitCodes.Ok;
            case "revoke":
                var revoke = CommandArguments.Parse("tokens revoke", args[1..], new HashSet<string> { "user" });
                revoke.NoPositional();
                var revoked = await CommandLookups.UserByEmailAsync(db, revoke.Required("user"), cancellationToken);
                var count = await tokens.RevokeUserAsync(revoked.Id, cancellationToken);
                JsonLines.Write(stdout, new { Type = "revoked", User = revoke.Required("user"), Tokens = count });
                return ExitCodes.Ok;
            default:
                throw CommandException.Usage($"tokens: unknown action '{args[0]}'; say issue or revoke.");
        }
    }
}
