namespace ClpMailGateway.Parsing;

/// <summary>An HTML body as text (<see cref="HtmlReplyConverter"/>).</summary>
/// <param name="Flattened">The document was nested deeper than <see cref="HtmlReplyConverter.MaxDepth"/>: the tags
/// below that depth were dropped and only their text was read.</param>
internal readonly record struct HtmlText(string Text, bool Flattened);
