namespace ClpMailGateway.Tests.Parsing;

/// <summary>The public test corpora in <c>../shared/corpus</c>, found from the repository root (the folder holding
/// <c>ClpMailGateway.sln</c>). Never copied into the repository; a missing folder fails the test that needs it.</summary>
internal static class PublicCorpus
{
    /// <summary>This project's fixtures (<c>tests/MailGateway.Tests/Parsing/Fixtures</c>), read in place.</summary>
    public static string Fixtures => Path.Combine(RepositoryRoot, "tests", "MailGateway.Tests", "Parsing", "Fixtures");

    public static string Root
    {
        get
        {
            var root = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus"));
            Assert.True(Directory.Exists(root), $"The public corpus folder is missing: expected {root} (../shared/corpus from the repository root). These tests need it.");
            return root;
        }
    }

    private static string RepositoryRoot => ClpMailGateway.TestSupport.RepositoryPaths.Root;

    /// <summary>Rows of a tab-separated file with a header line, as dictionaries keyed by column name.</summary>
    public static IReadOnlyList<Dictionary<string, string>> ReadTsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split('\t');
        return lines.Skip(1)
            .Select(l => l.Split('\t'))
            .Select(cells => header.Select((name, i) => (name, value: i < cells.Length ? cells[i] : string.Empty))
                .ToDictionary(p => p.name, p => p.value, StringComparer.Ordinal))
            .ToList();
    }

    /// <summary>The comparison the scoreboard uses: LF line ends, each line trimmed, runs of blank lines collapsed,
    /// both ends trimmed.</summary>
    public static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').Select(l => l.Trim());
        var kept = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 && kept.Count > 0 && kept[^1].Length == 0)
            {
                continue;
            }

            kept.Add(line);
        }

        return string.Join('\n', kept).Trim();
    }
}
