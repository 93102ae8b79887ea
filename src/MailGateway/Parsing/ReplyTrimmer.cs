using System.Text.RegularExpressions;

namespace ClpMailGateway.Parsing;

/// <summary>Cuts quoted history, quote headers and signatures from a plain-text reply body.</summary>
public static partial class ReplyTrimmer
{
    [GeneratedRegex(@"^(On .+wrote:|-----\s*Original Message\s*-----|From: .+|>.*|-- ?)$", RegexOptions.CultureInvariant)]
    private static partial Regex CutLine();

    public static string Trim(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lines = body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var kept = new List<string>();
        foreach (var line in lines)
        {
            if (CutLine().IsMatch(line.TrimEnd()))
            {
                break;
            }

            kept.Add(line.TrimEnd());
        }

        return string.Join('\n', kept).Trim();
    }
}
