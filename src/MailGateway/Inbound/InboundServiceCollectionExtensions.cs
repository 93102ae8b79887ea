using ClpMailGateway.Authentication;
using ClpMailGateway.MailAuth;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Threading;
using ClpMailGateway.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MimeKit.Cryptography;

namespace ClpMailGateway.Inbound;

public static class InboundServiceCollectionExtensions
{
    /// <summary>Mail identity, reply tokens, the inbound pipeline and the outbox (without scheduling: see <c>run</c>).</summary>
    public static IServiceCollection AddMailPipeline(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.SectionName).ValidateDataAnnotations();
        services.AddOptions<ReplyTokenOptions>().BindConfiguration(ReplyTokenOptions.SectionName);
        services.AddSingleton<IValidateOptions<ReplyTokenOptions>, ReplyTokenOptionsValidator>();
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<ImapOptions>, ImapOptionsValidator>();
        services.TryAddSingleton<MailLogins>();

        services.AddScoped<ReplyTokenService>();
        services.AddScoped<InboundStore>();
        services.AddScoped<InboundProcessor>();
        services.AddSingleton<BoundedParser>();
        services.AddScoped<ImapPoller>();
        services.TryAddSingleton<PollStatus>();
        services.AddScoped<ReplyThreader>();
        services.AddOptions<InboundOptions>().BindConfiguration(InboundOptions.SectionName).ValidateDataAnnotations();
        services.AddOptions<BounceOptions>().BindConfiguration(BounceOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IDkimPublicKeyLocator>(s => new DnsDkimPublicKeyLocator(
            s.GetRequiredService<IOptions<InboundOptions>>().Value, s.GetRequiredService<TimeProvider>()));
        services.AddScoped(s => new SenderAuthenticator(s.GetRequiredService<IDkimPublicKeyLocator>(), s.GetRequiredService<IOptions<InboundOptions>>().Value));
        services.AddSingleton<IReplyLanguageDetector, LinguaReplyLanguageDetector>();
        services.AddScoped<BounceRecorder>();
        services.AddOutbound();
        services.TryAddSingleton<IInboundFaults, NoInboundFaults>();
        return services;
    }
}
