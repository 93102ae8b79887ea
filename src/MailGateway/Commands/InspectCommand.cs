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

    /// <summary>One file's line. Never throws for bad content: a file that cannot be read or parsed still gets a
    /// kind (<c>not_a_reply</c>) and a <c>reject_reason</c> saying why.</summary>
    internal static async Task<InspectOutput> InspectAsync(string file, MailOptions options, CancellationToken cancellationToken)
    {
        byte[] raw;
        try
        {
            raw = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Unreadable(file, "unreadable: " + ex.Message);
        }

        if (file.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            var body = BodyText.DecodeBytes(raw, "utf-8");
            return new InspectOutput(file, "reply", null, ReplyTrimmer.Trim(body), [], null, null, null);
        }

        try
        {
            return Describe(file, ReplyAnalyzer.Analyze(raw, options.ReplyLocalPart, options.Domain));
        }
#pragma warning disable CA1031 // inspect must print a line for every file, whatever the parser meets
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return Unreadable(file, "unparseable: " + ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static InspectOutput Unreadable(string file, string reason) =>
        new(file, "not_a_reply", null, string.Empty, [], reason, null, null);

    private static InspectOutput Describe(string file, ReplyAnalysis analysis) => new(
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
