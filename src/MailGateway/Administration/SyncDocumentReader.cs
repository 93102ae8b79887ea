using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClpMailGateway.Administration;

/// <summary>Reads a <see cref="SyncDocument"/> from JSON (the API's body, <c>gw import</c>'s file) with the line each row
/// starts on, so that a bad row is reported where people can find it. Unknown fields are refused: a misspelt field
/// would otherwise be ignored without a word.</summary>
public static class SyncDocumentReader
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
    };

    /// <returns>The document, or null and the error that made it unreadable (with its line).</returns>
    public static (SyncDocument? Document, RowError? Error) Read(ReadOnlySpan<byte> utf8)
    {
        SyncDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<SyncDocument>(utf8, Json);
        }
        catch (JsonException ex)
        {
            var line = ex.LineNumber is { } number ? (int)number + 1 : (int?)null;
            return (null, new RowError("document", 0, line, string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path, FirstSentence(ex.Message)));
        }

        if (document is null)
        {
            return (null, new RowError("document", 0, 1, "$", "the document is null; send an object with titles, vendors, users and assignments"));
        }

        if (document.Titles is null || document.Vendors is null || document.Users is null || document.Assignments is null)
        {
            return (null, new RowError("document", 0, null, "$", "titles, vendors, users and assignments are lists (leave one out rather than null)"));
        }

        var lines = RowLines(utf8);
        SetLines(document.Titles, lines, "titles", (row, line) => row.Line = line);
        SetLines(document.Vendors, lines, "vendors", (row, line) => row.Line = line);
        SetLines(document.Users, lines, "users", (row, line) => row.Line = line);
        SetLines(document.Assignments, lines, "assignments", (row, line) => row.Line = line);
        return (document, null);
    }

    private static void SetLines<T>(List<T> rows, Dictionary<string, List<int>> lines, string section, Action<T, int> set)
    {
        if (!lines.TryGetValue(section, out var found))
        {
            return;
        }

        for (var i = 0; i < rows.Count && i < found.Count; i++)
        {
            // A null row stays null; the apply reports it.
            if (rows[i] is { } row)
            {
                set(row, found[i]);
            }
        }
    }

    /// <summary>The line each element of the top-level arrays starts on, by section name (any case).</summary>
    private static Dictionary<string, List<int>> RowLines(ReadOnlySpan<byte> utf8)
    {
        var lines = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
        var line = 1;
        var counted = 0;
        string? section = null;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                section = reader.GetString();
            }
            else if (reader.CurrentDepth == 2 && section is not null && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.Null)
            {
                var start = (int)reader.TokenStartIndex;
                line += utf8[counted..start].Count((byte)'\n');
                counted = start;
                if (!lines.TryGetValue(section, out var list))
                {
                    lines[section] = list = [];
                }

                list.Add(line);
            }
        }

        return lines;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
