namespace ClpMailGateway.Web.Settings;

/// <summary>The strings of settings, addresses and their confirmation (SettingsStrings.*.resx).</summary>
public sealed class SettingsStrings;
