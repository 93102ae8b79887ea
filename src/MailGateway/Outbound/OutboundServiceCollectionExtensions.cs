using ClpMailGateway.MailAuth;
using ClpMailGateway.Unsubscribe;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClpMailGateway.Outbound;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>Notifications, digests, unsubscribe and the outbox sender with its connection pool (scheduling: see <c>run</c>).</summary>
    public static IServiceCollection AddOutbound(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        // Loaded once (the options' validation at start has loaded them already, or says why not).
        services.AddSingleton(s => MailTemplates.Load(s.GetRequiredService<IOptions<NotificationOptions>>().Value.TemplateFolderOrShipped));
        services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<DigestOptions>, DigestOptionsValidator>();
        services.TryAddSingleton<MailLogins>();
        services.AddSingleton<SmtpProtocolLog>();
        services.AddSingleton<SmtpTransportFactory>();
        services.AddSingleton<SmtpConnectionPool>();
        services.AddSingleton<Checks.ConnectionChecks>();
        services.AddScoped<OutboxSender>();
        services.AddScoped<NotificationOutbox>();
        services.AddScoped<NotificationFanout>();
        services.AddSingleton(s => new FanoutSignal(s.GetRequiredService<Storage.IWakeups>()));
        services.AddSingleton<FanoutWorker>();
        services.AddScoped<DigestSender>();
        services.AddScoped<UnsubscribeService>();
        return services;
    }
}
