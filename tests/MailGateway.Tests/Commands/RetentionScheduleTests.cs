using ClpMailGateway.Commands;
using ClpMailGateway.Domain;
using ClpMailGateway.Retention;
using ClpMailGateway.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace ClpMailGateway.Tests.Commands;

/// <summary>The retention job as <c>run</c> schedules it: Quartz, the job, the service and the database together.</summary>
public sealed class RetentionScheduleTests
{
    [Fact]
    public async Task Run_RetentionDue_TheScheduledJobRemovesAUsedSignInLink()
    {
        await using var database = await TestDatabase.CreateAsync();
        var world = new World(database);
        var user = await world.UserAsync(UserRole.Pm);
        var used = DateTime.UtcNow.AddDays(-2);
        await world.SaveAsync(db => db.Set<SignInLink>().Add(new SignInLink
        {
            SecretHash = new string('c', 64), UserId = user.Id, Address = user.Emails[0].Address,
            CreatedAtUtc = used.AddMinutes(-1), ExpiresAtUtc = used.AddMinutes(14), UsedAtUtc = used,
        }));
        var settings = RunCommandTests.RunSettings(database, "http://127.0.0.1:0");
        settings["Retention:Cron"] = "* * * * * ?"; // every second

        using var host = RunCommand.CreateHost(database.Folder, settings);
        await host.StartAsync();
        try
        {
            var left = 1;
            for (var i = 0; i < 100 && left > 0; i++)
            {
                await Task.Delay(100);
                left = await world.CountAsync<SignInLink>();
            }

            Assert.Equal(0, left);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Host_RetentionOff_JobKnownButNotScheduled()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = RunCommandTests.RunSettings(database, "http://127.0.0.1:0");
        settings["Retention:Enabled"] = "false";

        using var host = RunCommand.CreateHost(database.Folder, settings);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        Assert.NotNull(await scheduler.GetJobDetail(RetentionJob.Key));
        Assert.Empty(await scheduler.GetTriggersOfJob(RetentionJob.Key));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")] // checked even when off: it is the setting of a job that exists
    public async Task Start_RetentionCronUnreadable_StopsNamingTheSetting(string enabled)
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = RunCommandTests.RunSettings(database, "http://127.0.0.1:0");
        settings["Retention:Cron"] = "every night";
        settings["Retention:Enabled"] = enabled;

        using var host = RunCommand.CreateHost(database.Folder, settings);
        var error = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Retention:Cron 'every night' is not a Quartz cron expression", error.Message, StringComparison.Ordinal);
    }
}
