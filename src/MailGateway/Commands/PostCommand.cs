using ClpMailGateway.Domain;
using ClpMailGateway.Outbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Commands;

/// <summary><c>post --as EMAIL --title SLUG --channel KEY (--text TEXT | --text-file F) [--attach FILE]...</c>:
/// posts through the same <see cref="MessagePoster"/> as the web, with the same rules.</summary>
internal static class PostCommand
{
    private static readonly HashSet<string> Valued = ["as", "title", "channel", "text", "text-file", "attach"];
    private static readonly HashSet<string> Repeatable = ["attach"];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter stdout, CancellationToken cancellationToken)
    {
        var arguments = CommandArguments.Parse("post", args, Valued, Repeatable);
        arguments.NoPositional();
        var email = arguments.Required("as");
        var slug = arguments.Required("title");
        var key = arguments.Required("channel");
        var text = await ReadTextAsync(arguments, cancellationToken);
        var files = arguments.All("attach");
        if (text is null && files.Count == 0)
        {
            throw CommandException.Usage("post: give --text or --text-file (or at least one --attach).");
        }

        var missing = files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw CommandException.NotFound($"post: no file {missing} to attach.");
        }

        var db = services.GetRequiredService<GatewayDbContext>();
        await CommandLookups.EnsureMigratedAsync(db, cancellationToken);
        var author = await CommandLookups.UserByEmailAsync(db, email, cancellationToken);
        var title = await CommandLookups.TitleBySlugAsync(db, slug, cancellationToken);
        var channel = await CommandLookups.ChannelByKeyAsync(db, title, key, cancellationToken);

        var streams = files.Select(f => (Path: f, Stream: (Stream)File.OpenRead(f))).ToList();
        try
        {
            var attachments = streams.Select(s => new NewAttachment(Path.GetFileName(s.Path), ContentTypes.FromFileName(s.Path), s.Stream)).ToList();
            var result = await services.GetRequiredService<MessagePoster>()
                .PostAsync(new PostRequest(author.Id, channel.Id, text, attachments, MessageOrigin.Web), cancellationToken);
            if (result.Error is { } error)
            {
                throw new CommandException(
                    error.Code == PostErrorCode.PermissionDenied ? ExitCodes.PermissionDenied : ExitCodes.Refused,
                    error.Message);
            }

            // Its notifications are queued now (and any other post's still pending), as the gateway's jobs would.
            await services.GetRequiredService<NotificationFanout>().RunAsync(cancellationToken);
            var output = (await MessageQueries.LoadAsync(db, title, channel, [result.Message!.Id], null, cancellationToken)).Single();
            JsonLines.Write(stdout, output with { Warnings = result.MentionWarnings() });
            return ExitCodes.Ok;
        }
        finally
        {
            foreach (var (_, stream) in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private static async Task<string?> ReadTextAsync(CommandArguments arguments, CancellationToken cancellationToken)
    {
        var text = arguments.Optional("text");
        var file = arguments.Optional("text-file");
        if (text is not null && file is not null)
        {
            throw CommandException.Usage("post: give --text or --text-file, not both.");
        }

        if (file is null)
        {
            return text;
        }

        if (!File.Exists(file))
        {
            throw CommandException.NotFound($"post: no file {file} for --text-file.");
        }

        return await File.ReadAllTextAsync(file, cancellationToken);
    }
}
