namespace ClpMailGateway.Web.Unsubscribe;

/// <summary>The strings of the unsubscribe pages (UnsubscribeStrings.*.resx).</summary>
public sealed class UnsubscribeStrings;
