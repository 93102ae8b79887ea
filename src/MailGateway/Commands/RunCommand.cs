using ClpMailGateway.Authentication;
using ClpMailGateway.Hosting;
using ClpMailGateway.Inbound;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Search;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using ClpMailGateway.Threading;
using ClpMailGateway.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ClpMailGateway.Commands;

/// <summary><c>run</c>: hosts the gateway: migrations at start, the Quartz scheduler with the IMAP poll, the outbox, the
/// digest (<c>Digest:Cron</c>) and retention (<c>Retention:Cron</c>) jobs, the IMAP IDLE listener, and a small HTTP listener for health
/// (<see cref="GatewayHttp"/>). Settings are validated at start: bad configuration stops it. Stops gracefully on
/// Ctrl+C or SIGTERM, letting running jobs finish.</summary>
internal static class RunCommand
{
    public static async Task<int> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? overrides, CancellationToken cancellationToken)
    {
        CommandArguments.Parse("run", args, new HashSet<string>()).NoPositional();
        using var host = CreateHost(Directory.GetCurrentDirectory(), overrides);
        try
        {
            StartupChecks.EnsureHttpPortsFree(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayHttpOptions>>().Value.UrlList());
            await StartupChecks.EnsureDatabaseWritableAsync(host.Services.GetRequiredService<DatabaseSettings>(), cancellationToken);
            await StartupChecks.EnsureMailFoldersAsync(
                host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImapOptions>>().Value,
                host.Services.GetRequiredService<MailAuth.MailLogins>().Imap,
                host.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("ClpMailGateway.Startup"),
                cancellationToken);
        }
        catch (StartupCheckException ex)
        {
            throw new CommandException(ExitCodes.Failure, ex.Message);
        }

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // A port taken between the check above and the start. Not StopAsync: Kestrel, never started, would hold it for the whole shutdown timeout. Disposing the host
            // stops what did start (the IDLE listener; the scheduler starts only once the host has).
            throw new CommandException(ExitCodes.Failure, $"{GatewayHttpOptions.SectionName}:Urls: {ex.Message}");
        }

        await host.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Ok;
    }

    /// <summary>The gateway's host, built, with its HTTP endpoints mapped, not yet started.</summary>
    internal static WebApplication CreateHost(string workingFolder, IReadOnlyDictionary<string, string?>? overrides)
    {
        var host = CreateBuilder(workingFolder, overrides).Build();
        host.MapGatewayHttp();
        host.MapPrometheusScrapingEndpoint();
        return host;
    }

    /// <summary>The gateway's host, its content root <paramref name="workingFolder"/>, not yet built.</summary>
    internal static WebApplicationBuilder CreateBuilder(string workingFolder, IReadOnlyDictionary<string, string?>? overrides)
    {
        // The host's default appsettings.json sources would watch the content root, the working folder, recursively (its
        // .state holds the database), and the watcher's thread would then handle an event for every write of SQLite: 5%
        // of the CPU of ingesting 5,000 replies. They are cleared below anyway; this setting stops them from watching
        // first. The slim builder: Kestrel and routing only, for the small listener (GatewayHttp).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = workingFolder,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.Sources.Clear();
        GatewayConfiguration.Apply(builder.Configuration, overrides);
        builder.Logging.AddGatewayConsole();
        builder.AddGatewayHttp();
        builder.Services.AddGatewayCore(builder.Configuration);
        builder.Services.AddOptions<MailOptions>().ValidateOnStart();
        builder.Services.AddOptions<ReplyTokenOptions>().ValidateOnStart();
        builder.Services.AddOptions<ImapOptions>().ValidateOnStart();
        builder.Services.AddOptions<SmtpOptions>().ValidateOnStart();
        builder.Services.AddOptions<NotificationOptions>().ValidateOnStart();
        builder.Services.AddOptions<DigestOptions>().ValidateOnStart();
        builder.Services.AddOptions<SearchIndexOptions>().ValidateOnStart();
        builder.Services.AddOptions<Retention.RetentionOptions>().ValidateOnStart();
        builder.Services.AddOptions<InboundOptions>().ValidateOnStart();
        builder.Services.AddOptions<BounceOptions>().ValidateOnStart();
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.AddGatewayTelemetry("clp-mail-gateway");
        builder.Services.AddHostedService<OutboxSampler>();

        var imap = builder.Configuration.GetSection(ImapOptions.SectionName).Get<ImapOptions>() ?? new ImapOptions();
        var smtp = builder.Configuration.GetSection(SmtpOptions.SectionName).Get<SmtpOptions>() ?? new SmtpOptions();
        var digest = builder.Configuration.GetSection(DigestOptions.SectionName).Get<DigestOptions>() ?? new DigestOptions();
        var searchIndex = builder.Configuration.GetSection(SearchIndexOptions.SectionName).Get<SearchIndexOptions>() ?? new SearchIndexOptions();
        var retention = builder.Configuration.GetSection(Retention.RetentionOptions.SectionName).Get<Retention.RetentionOptions>() ?? new Retention.RetentionOptions();
        var database = DatabaseSettings.From(builder.Configuration);
        var databaseOptions = builder.Configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddQuartz(quartz =>
        {
            if (database.IsPostgres)
            {
                // Several gateways on one database share one clustered scheduler: each scheduled run fires in one process,
                // and the runs of a process that stops checking in are taken over by the others.
                quartz.ConfigureScheduler(scheduler =>
                {
                    scheduler.InstanceName = "clp-gateway";
                    scheduler.GenerateInstanceId = true;
                });
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(database.ConnectionString);
                    store.ConfigureStore(ado => ado.TablePrefix = "qrtz_");
                    store.UseClustering(cluster =>
                    {
                        cluster.CheckinInterval = databaseOptions.ClusterCheckinInterval;
                        cluster.CheckinMisfireThreshold = databaseOptions.ClusterCheckinInterval;
                    });
                    store.UseSystemTextJsonSerializer();
                    store.ProvisionSchema();
                });
            }
            else
            {
                quartz.UseInMemoryStore();
            }

            // Misfires (a run missed while the process was down or every worker busy): a missed poll or outbox run is
            // skipped, the next comes on time (they catch up with everything anyway); a missed digest runs once at
            // once; a missed search upkeep waits for its next time.
            quartz.AddJob<ImapPollJob>(job => job.WithIdentity(ImapPollJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger.ForJob(ImapPollJob.Key).WithIdentity("imap-poll-schedule", "inbound").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(imap.PollInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            quartz.AddJob<OutboxSendJob>(job => job.WithIdentity(OutboxSendJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger.ForJob(OutboxSendJob.Key).WithIdentity("outbox-schedule", "outbound").StartNow()
                .WithSimpleSchedule(s => s.WithInterval(smtp.OutboxInterval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            quartz.AddJob<DigestJob>(job => job.WithIdentity(DigestJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger.ForJob(DigestJob.Key).WithIdentity("digest-schedule", "outbound")
                .WithCronSchedule(digest.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)));
            quartz.AddJob<SearchIndexJob>(job => job.WithIdentity(SearchIndexJob.Key).StoreDurably());
            quartz.AddTrigger(trigger => trigger.ForJob(SearchIndexJob.Key).WithIdentity("search-index-schedule", "maintenance")
                .WithCronSchedule(searchIndex.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            // A missed retention run waits for its next time: nothing is lost by removing an hour later. The job is known
            // even when retention is off, and then does nothing, in case a clustered store still holds its trigger.
            quartz.AddJob<Retention.RetentionJob>(job => job.WithIdentity(Retention.RetentionJob.Key).StoreDurably());
            if (retention.Enabled)
            {
                quartz.AddTrigger(trigger => trigger.ForJob(Retention.RetentionJob.Key).WithIdentity("retention-schedule", "maintenance")
                    .WithCronSchedule(retention.Cron, cron => cron.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            }
        });
        builder.Services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        builder.Services.AddSingleton<IPollTrigger, QuartzPollTrigger>();
        if (imap.UseIdle)
        {
            builder.Services.AddHostedService<ImapIdleListener>();
        }

        if (database.IsPostgres)
        {
            // Wake-ups from every process on the database start this one's share of the work at once.
            builder.Services.AddHostedService<Storage.Postgres.PostgresWakeupListener>();
            builder.Services.AddHostedService<WakeupWorker>();
        }

        return builder;
    }
}
