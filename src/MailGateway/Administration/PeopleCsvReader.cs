using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace ClpMailGateway.Administration;

/// <summary>Reads people from CSV for <c>gw import</c>, as many production systems export them: a header row naming the
/// columns (any order, any case: <c>externalId, name, handle, emails, role, vendor, admin, languages, active</c>), lists
/// (emails, languages) separated by <c>;</c>, an empty cell meaning "keep what is stored".</summary>
public static class PeopleCsvReader
{
    private static readonly string[] Columns = ["externalid", "name", "handle", "emails", "role", "vendor", "admin", "languages", "active"];

    public static (SyncDocument? Document, IReadOnlyList<RowError> Errors) Read(TextReader text)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
            DetectDelimiter = true,
            DetectDelimiterValues = [",", ";", "\t"],
            BadDataFound = null,
        };
        using var csv = new CsvReader(text, configuration);
        var errors = new List<RowError>();
        if (!csv.Read() || !csv.ReadHeader())
        {
            return (null, [new RowError("users", 0, 1, "header", "the file is empty; the first row names the columns")]);
        }

        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToList();
        foreach (var unknown in header.Where(h => !Columns.Contains(h)))
        {
            errors.Add(new RowError("users", 0, 1, unknown, $"unknown column; the columns are {string.Join(", ", Columns)}"));
        }

        if (!header.Contains("externalid"))
        {
            errors.Add(new RowError("users", 0, 1, "externalId", "the externalId column is needed"));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var document = new SyncDocument();
        var lastLine = csv.Parser.RawRow;
        while (csv.Read())
        {
            var index = document.Users.Count;
            // A row is named by the line it starts on (RawRow is where it ends: a quoted cell may hold line breaks).
            var line = lastLine + 1;
            lastLine = csv.Parser.RawRow;
            if (csv.Parser.Record is not { } record || record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            if (record.Length != header.Count)
            {
                errors.Add(new RowError("users", index, line, "*", $"the row has {record.Length} cells; the header names {header.Count}"));
                document.Users.Add(new UserRow { Line = line });
                continue;
            }

            string? Cell(string column) => header.IndexOf(column) is var at and >= 0 && record[at].Length > 0 ? record[at] : null;
            List<string>? List(string column) => Cell(column)?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            bool? Flag(string column)
            {
                var cell = Cell(column);
                switch (cell?.ToLowerInvariant())
                {
                    case null:
                        return null;
                    case "true" or "yes" or "1":
                        return true;
                    case "false" or "no" or "0":
                        return false;
                    default:
                        errors.Add(new RowError("users", index, line, column, $"'{cell}' is not true or false"));
                        return null;
                }
            }

            document.Users.Add(new UserRow
            {
                Line = line,
                ExternalId = Cell("externalid"),
                Name = Cell("name"),
                Handle = Cell("handle"),
                Emails = List("emails"),
                Role = Cell("role"),
                Vendor = Cell("vendor"),
                Admin = Flag("admin"),
                Languages = List("languages"),
                Active = Flag("active"),
            });
        }

        return errors.Count > 0 ? (null, errors) : (document, []);
    }
}
