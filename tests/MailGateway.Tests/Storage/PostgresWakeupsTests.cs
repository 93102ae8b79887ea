using System.Globalization;
using ClpMailGateway.Storage;
using ClpMailGateway.Storage.Postgres;

namespace ClpMailGateway.Tests.Storage;

/// <summary>What a process does with a <c>NOTIFY clp_wakeup</c> payload (any session on the database may send one).</summary>
public sealed class PostgresWakeupsTests
{
    private static string Payload(Wakeup wakeup, string process) => ((int)wakeup).ToString(CultureInfo.InvariantCulture) + ":" + process;

    [Fact]
    public void Parse_StoredByThisProcess_IsLeftToItsOwnPoll() =>
        Assert.Null(PostgresWakeups.Parse(Payload(Wakeup.Stored, GatewayProcess.Id)));

    [Fact]
    public void Parse_StoredByAnotherProcess_WakesTheThreading() =>
        Assert.Equal(Wakeup.Stored, PostgresWakeups.Parse(Payload(Wakeup.Stored, "other-host:42:0badcafe")));

    [Theory]
    [InlineData(Wakeup.Posted)]
    [InlineData(Wakeup.Queued)]
    public void Parse_PostedOrQueuedByThisProcess_StillWakesIt(Wakeup wakeup) =>
        Assert.Equal(wakeup, PostgresWakeups.Parse(Payload(wakeup, GatewayProcess.Id)));

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("99:host:1:a")]
    [InlineData("-1:host")]
    [InlineData("1 OR 1=1")]
    [InlineData("١:host")]
    public void Parse_Garbage_IsIgnored(string payload) => Assert.Null(PostgresWakeups.Parse(payload));
}
