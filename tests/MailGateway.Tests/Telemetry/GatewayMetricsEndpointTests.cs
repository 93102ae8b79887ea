using System.Net;
using System.Text.RegularExpressions;
using ClpMailGateway.Commands;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Tests.Commands;

namespace ClpMailGateway.Tests.Telemetry;

/// <summary><c>run</c>'s listener serves the Prometheus text of the gateway's meters at <c>/metrics</c>: here a gateway
/// whose mail server is a closed port, so its polls fail.</summary>
public sealed class GatewayMetricsEndpointTests
{
    [Fact]
    public async Task Run_PollsFailing_MetricsShowTheFailedPollsAndTheOutboxButNoSuccess()
    {
        await using var database = await TestDatabase.CreateAsync();
        var settings = RunCommandTests.RunSettings(database, "http://127.0.0.1:0");
        settings["Telemetry:SampleInterval"] = "00:00:01";
        using var host = RunCommand.CreateHost(database.Folder, settings);
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(Assert.Single(host.Urls)) };
            var text = string.Empty;
            // Until a failed poll is counted (on PostgreSQL the clustered scheduler's first run may come after other
            // metrics with an error_type) and the outbox sampled.
            const string failedPoll = "clp_inbound_poll_duration_seconds_count\\{[^}]*error_type=\"[A-Za-z]+Exception\"[^}]*\\} [1-9]";
            for (var i = 0; i < 150 && !(Regex.IsMatch(text, failedPoll) && text.Contains("clp_outbound_depth", StringComparison.Ordinal)); i++)
            {
                await Task.Delay(200);
                using var response = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                text = await response.Content.ReadAsStringAsync();
            }

            Assert.Matches(failedPoll, text);
            Assert.Matches("(?m)^clp_outbound_depth(\\{[^}]*\\})? 0", text);
            Assert.Contains("# TYPE clp_inbound_poll_duration_seconds histogram", text, StringComparison.Ordinal);
            Assert.DoesNotContain("clp_inbound_poll_last_success_time_seconds{", text, StringComparison.Ordinal); // never succeeded
            Assert.DoesNotContain("clp_inbound_idle_connected", text, StringComparison.Ordinal); // IDLE off here
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
