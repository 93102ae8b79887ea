using ClpMailGateway.Mail;
using ClpMailGateway.Parsing;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace ClpMailGateway.Commands;

/// <summary><c>inspect PATH...</c>: what the gateway understands of each raw message (<c>.eml</c>) or plain-text reply
/// body (<c>.txt</c>), one JSON line per file; folders are walked. Touches no database and no network; tokens are not
/// verified (that needs the keys).</summary>
internal static class InspectCommand
{
    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter stdout, CancellationToken cancellationToken)
    {
        var arguments = CommandArguments.Parse("inspect", args, new HashSet<string>());
        if (arguments.Positional.Count == 0)
        {
            throw CommandException.Usage("inspect: give at least one .eml or .txt file or folder.");
        }

        var options = configuration.GetSection(MailOptions.SectionName).Get<MailOptions>() ?? new MailOptions();
        var files = new List<string>();
        foreach (var path in arguments.Positional)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw CommandException.NotFound($"inspect: no file or folder {path}.");
            }
        }

        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            JsonLines.Write(stdout, await InspectAsync(file, options, cancellationToken));
        }

        return ExitCodes.Ok;
    }

    internal static async Task<InspectOutput> InspectAsync(string file, MailOptions options, CancellationToken cancellationToken)
    {
        if (file.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            var body = await File.ReadAllTextAsync(file, cancellationToken);
            return new InspectOutput(file, "reply", null, ReplyTrimmer.Trim(body), [], null, null, null);
        }

        MimeMessage message;
        try
        {
            await using var stream = File.OpenRead(file);
            message = await MimeMessage.LoadAsync(stream, cancellationToken);
        }
        catch (FormatException ex)
        {
            return new InspectOutput(file, "not_a_reply", null, string.Empty, [], "unparseable: " + ex.Message, null, null);
        }

        var analysis = ReplyAnalyzer.Analyze(message, options.ReplyLocalPart, options.Domain);
        return new InspectOutput(
            file,
            analysis.Kind switch
            {
                ReplyKind.Reply => "reply",
                ReplyKind.AutoReply => "auto_reply",
                ReplyKind.Bounce => "bounce",
                _ => "not_a_reply",
            },
            analysis.Token,
            analysis.Text,
            analysis.Attachments.Select(a => new InspectAttachment(a.Name, a.ContentType, a.SizeBytes)).ToList(),
            analysis.RejectReason,
            analysis.BounceType switch
            {
                BounceType.Permanent => "permanent",
                BounceType.Transient => "transient",
                _ => null,
            },
            analysis.BouncedRecipient);
    }
}

internal sealed record InspectOutput(
    string File,
    string Kind,
    string? Token,
    string Text,
    IReadOnlyList<InspectAttachment> Attachments,
    string? RejectReason,
    string? BounceType,
    string? BouncedRecipient);

internal sealed record InspectAttachment(string Name, string ContentType, long SizeBytes);
