namespace ClpMailGateway.Threading;

/// <summary>Tells which of a few languages a reply is written in, when that is clear.</summary>
public interface IReplyLanguageDetector
{
    /// <summary>The one of <paramref name="languages"/> (canonical tags) that <paramref name="text"/> is clearly written in,
    /// or null when the text is short, mixed, in another language, or the candidates cannot be told apart
    /// (<c>pt-BR</c> and <c>pt-PT</c>).</summary>
    string? DetectAmong(string text, IReadOnlyCollection<string> languages);
}
