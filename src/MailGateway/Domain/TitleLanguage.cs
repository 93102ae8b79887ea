namespace ClpMailGateway.Domain;

/// <summary>A target language of a title (canonical BCP 47 tag such as <c>fr</c> or <c>pt-BR</c>).</summary>
public sealed class TitleLanguage
{
    public int TitleId { get; set; }
    public required string Language { get; set; }
}
