using Microsoft.Extensions.Configuration;

namespace ClpMailGateway.Hosting;

public static class GatewayConfiguration
{
    /// <summary>The default database, relative to the working folder; the web uses the same default.</summary>
    public const string DefaultConnectionString = "Data Source=.state/gateway.db";

    /// <summary>Settings in order of precedence, lowest first: built-in defaults, the <c>appsettings.json</c> shipped
    /// beside the executable, an <c>appsettings.json</c> in the working folder, environment variables (<c>Section__Key</c>),
    /// then explicit overrides (tests).</summary>
    public static IConfigurationRoot Build(IReadOnlyDictionary<string, string?>? overrides = null) =>
        Apply(new ConfigurationBuilder(), overrides).Build();

    /// <summary>Built-in defaults, the lowest layer of every host's configuration (the gateway's and the web's).</summary>
    public static IReadOnlyDictionary<string, string?> Defaults { get; } =
        new Dictionary<string, string?> { ["ConnectionStrings:Gateway"] = DefaultConnectionString };

    public static IConfigurationBuilder Apply(IConfigurationBuilder builder, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .AddInMemoryCollection(Defaults)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables();
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder;
    }
}
