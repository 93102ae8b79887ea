using ClpMailGateway.Demo;
using ClpMailGateway.Inbound;
using ClpMailGateway.Posting;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Hosting;

public static class GatewayServices
{
    /// <summary>The services every gateway entry point shares (commands, the <c>run</c> host, the web).</summary>
    public static IServiceCollection AddGatewayCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FailureLog>();
        services.AddGatewayMetrics();
        services.AddGatewayStorage(configuration);
        services.AddScoped<LookupCache>();
        services.AddScoped<MessagePoster>();
        services.AddSingleton<MessageSearch>();
        services.AddOptions<SearchIndexOptions>().BindConfiguration(SearchIndexOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<SearchIndexOptions>, SearchIndexOptionsValidator>();
        services.AddSingleton<SearchIndexMaintenance>();
        services.AddOptions<Retention.RetentionOptions>().BindConfiguration(Retention.RetentionOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<Retention.RetentionOptions>, Retention.RetentionOptionsValidator>();
        services.AddScoped<Retention.RetentionService>();
        services.AddScoped<DemoSeeder>();
        services.AddScoped<Administration.AdministrationService>();
        services.AddScoped<Administration.ApiKeyService>();
        services.AddMailPipeline();
        return services;
    }
}
