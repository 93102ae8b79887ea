namespace ClpMailGateway.Web.Layout;

/// <summary>The strings of the frame, the home page and the pages every area shares (SharedStrings.*.resx).</summary>
public sealed class SharedStrings;
