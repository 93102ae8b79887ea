using ClpMailGateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace ClpMailGateway.Tests.Hosting;

/// <summary>appsettings.sample.json lists every key with its default: it must parse (comments allowed) and agree with
/// the defaults the code uses.</summary>
public class SampleSettingsTests
{
    private static readonly IConfigurationRoot Sample = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(RepositoryRoot(), "appsettings.sample.json"), optional: false, reloadOnChange: false)
        .Build();

    [Fact]
    public void Sample_Defaults_MatchTheCode()
    {
        foreach (var (key, value) in GatewayConfiguration.Defaults)
        {
            Assert.Equal(value, Sample[key]);
        }
    }

    [Fact]
    public void Sample_ShippedAppSettings_AreAllListed()
    {
        foreach (var project in new[] { "MailGateway", "Web" })
        {
            var shipped = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(RepositoryRoot(), "src", project, "appsettings.json"), optional: false, reloadOnChange: false)
                .Build();
            foreach (var setting in shipped.AsEnumerable().Where(kv => kv.Value is not null))
            {
                Assert.True(Sample[setting.Key] is not null, $"{setting.Key} (src/{project}/appsettings.json) is missing from appsettings.sample.json");
            }
        }
    }

    [Theory]
    [InlineData(typeof(ClpMailGateway.Storage.DatabaseOptions), "Database")]
    [InlineData(typeof(ClpMailGateway.Mail.MailOptions), "Mail")]
    [InlineData(typeof(ClpMailGateway.Inbound.ImapOptions), "Imap")]
    [InlineData(typeof(ClpMailGateway.Outbound.SmtpOptions), "Smtp")]
    [InlineData(typeof(ClpMailGateway.Tokens.ReplyTokenOptions), "ReplyTokens")]
    [InlineData(typeof(ClpMailGateway.Outbound.NotificationOptions), "Notifications")]
    [InlineData(typeof(ClpMailGateway.Outbound.DigestOptions), "Digest")]
    [InlineData(typeof(ClpMailGateway.Search.SearchIndexOptions), "SearchIndex")]
    [InlineData(typeof(ClpMailGateway.Retention.RetentionOptions), "Retention")]
    [InlineData(typeof(ClpMailGateway.Web.WebOptions), "Web")]
    [InlineData(typeof(ClpMailGateway.Authentication.InboundOptions), "Inbound")]
    [InlineData(typeof(ClpMailGateway.Threading.BounceOptions), "Bounces")]
    [InlineData(typeof(ClpMailGateway.Telemetry.TelemetryOptions), "Telemetry")]
    [InlineData(typeof(GatewayHttpOptions), "Gateway:Http")]
    [InlineData(typeof(ClpMailGateway.Health.HealthOptions), "Health")]
    public void Sample_EveryOption_IsListedWithItsDefault(Type optionsType, string section) =>
        AssertListed(Activator.CreateInstance(optionsType)!, section);

    /// <summary>Every setting of <paramref name="defaults"/>'s type under <paramref name="section"/>, a nested options object
    /// (e.g. Smtp:OAuth2) setting by setting.</summary>
    private static void AssertListed(object defaults, string section)
    {
        foreach (var property in defaults.GetType().GetProperties().Where(p => p.CanWrite))
        {
            var key = $"{section}:{property.Name}";
            var listed = Sample.GetSection(key);
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && !property.PropertyType.IsGenericType)
            {
                Assert.True(listed.Exists(), $"{key} is missing from appsettings.sample.json");
                AssertListed(property.GetValue(defaults)!, key);
                continue;
            }

            if (property.GetValue(defaults) is System.Collections.IList list)
            {
                // A list's default is listed as [] (an empty section) or with its items.
                Assert.True(listed.Exists() || Sample.GetSection(section).GetChildren().Any(c => c.Key == property.Name) || list.Count == 0 && SampleText.Contains($"\"{property.Name}\": []", StringComparison.Ordinal),
                    $"{key} is missing from appsettings.sample.json");
                continue;
            }

            Assert.True(listed.Value is not null || property.PropertyType.IsGenericType, $"{key} is missing from appsettings.sample.json");
            if (listed.Value is not null)
            {
                var value = property.GetValue(defaults);
                var expected = value switch
                {
                    bool b => b ? "True" : "False",
                    IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                    _ => value?.ToString() ?? string.Empty,
                };
                Assert.True(string.Equals(expected, listed.Value, StringComparison.OrdinalIgnoreCase), $"{key}: sample says '{listed.Value}', the code's default is '{expected}'");
            }
        }
    }

    private static string RepositoryRoot() => ClpMailGateway.TestSupport.RepositoryPaths.Root;

    private static readonly string SampleText = File.ReadAllText(Path.Combine(RepositoryRoot(), "appsettings.sample.json"));
}
