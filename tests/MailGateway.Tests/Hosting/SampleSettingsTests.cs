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

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClpMailGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClpMailGateway.sln not found");
    }
}
