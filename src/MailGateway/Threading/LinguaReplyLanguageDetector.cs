using Lingua;

namespace ClpMailGateway.Threading;

/// <summary>
/// <see cref="IReplyLanguageDetector"/> on Lingua (n-gram models, good on short texts). The detector compares the
/// candidates with English, the language vendors most often answer in whatever channel they write to: an English
/// reply is not taken for the candidate it happens to resemble most. A language counts only with a clear lead.
/// The models of the languages asked about are loaded for each detection and unloaded after it: a Broadcast reply that
/// needs detecting is rare, and each model is tens of megabytes that would otherwise stay for the life of the process.
/// </summary>
public sealed class LinguaReplyLanguageDetector : IReplyLanguageDetector
{
    /// <summary>Fewer letters than this say too little.</summary>
    public const int MinimumLetters = 20;

    /// <summary>The confidence (0 to 1, over the languages compared) the leading language needs.</summary>
    public const double MinimumConfidence = 0.8;

    private static readonly Lock Gate = new();

    public string? DetectAmong(string text, IReadOnlyCollection<string> languages)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(languages);
        if (languages.Count == 0 || text.Count(char.IsLetter) < MinimumLetters)
        {
            return null;
        }

        // A candidate Lingua knows, by its language subtag; two candidates of one language (pt-BR, pt-PT) cannot be told apart.
        var byLanguage = languages
            .Select(tag => (Tag: tag, Language: ToLingua(tag)))
            .Where(c => c.Language is not null)
            .GroupBy(c => c.Language!.Value)
            .ToDictionary(g => g.Key, g => g.Count() == 1 ? g.Single().Tag : null);
        if (byLanguage.Count == 0)
        {
            return null;
        }

        var compared = byLanguage.Keys.Append(Language.English).Distinct().ToArray();
        if (compared.Length < 2)
        {
            compared = [.. compared, Language.French];
        }

        // Lingua shares loaded models between detectors; one detection at a time keeps the unload from pulling a model
        // from under another thread's detection.
        lock (Gate)
        {
            var detector = LanguageDetectorBuilder.FromLanguages(compared).Build();
            try
            {
                var (top, confidence) = detector.ComputeLanguageConfidenceValues(text).First();
                return confidence >= MinimumConfidence && byLanguage.TryGetValue(top, out var tag) ? tag : null;
            }
            finally
            {
                detector.UnloadLanguageModels();
            }
        }
    }

    private static Language? ToLingua(string tag)
    {
        var primary = tag.Split('-')[0];
        return Enum.TryParse<IsoCode6391>(primary, ignoreCase: true, out var code) && code != IsoCode6391.None
            ? LanguageInfo.GetByIsoCode6391(code)
            : null;
    }
}
