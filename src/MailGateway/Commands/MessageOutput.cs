using System.Text.Json.Serialization;
using ClpMailGateway.Domain;

namespace ClpMailGateway.Commands;

/// <summary>The JSON line printed for a message by <c>post</c> and <c>messages</c>.</summary>
internal sealed record MessageOutput(
    string Type,
    long Id,
    string Title,
    string Channel,
    MessageAuthorOutput Author,
    string Text,
    MessageOrigin Origin,
    DateTime CreatedAt,
    IReadOnlyList<AttachmentOutput> Attachments,
    IReadOnlyList<string> Mentions)
{
    /// <summary>Search only: the matching passage with matches in [brackets].</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Highlight { get; init; }

    /// <summary>Post only: mentions that notify nobody, and why.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

internal sealed record MessageAuthorOutput(string Email, string Name);

internal sealed record AttachmentOutput(string Name, string ContentType, long SizeBytes, string Sha256);
