namespace ClpMailGateway.Outbound;

/// <summary>A template value that is already safe HTML (made by <see cref="Rendering.MessageMarkdown"/>, whose tests
/// prove it inert), inserted as it is in <c>.html</c> templates instead of escaped.</summary>
public sealed record TrustedHtml(string Html);
