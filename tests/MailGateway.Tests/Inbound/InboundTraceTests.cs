using System.Text.Json.Nodes;
using ClpMailGateway.Domain;
using ClpMailGateway.Inbound;

namespace ClpMailGateway.Tests.Inbound;

public sealed class InboundTraceTests
{
    private static readonly DateTime At = new(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("[]")]
    [InlineData("")]
    public void Add_ToAnEmptyTrace_IsAnArrayOfOne(string trace)
    {
        var mail = NewMail(trace);

        InboundTrace.Add(mail, At, "stored", "INBOX uid 7");

        var entry = Assert.Single(JsonNode.Parse(mail.Trace)!.AsArray())!;
        Assert.Equal("2026-11-27T08:00:00.0000000Z", (string?)entry["at"]);
        Assert.Equal("stored", (string?)entry["step"]);
        Assert.Equal("INBOX uid 7", (string?)entry["detail"]);
    }

    [Fact]
    public void Add_Several_KeepsEveryStepInOrderWithTheTextAsItWas()
    {
        var mail = NewMail("[]");
        InboundTrace.Add(mail, At, "stored");
        InboundTrace.Add(mail, At.AddSeconds(1), "classified", "reply, \"token\" present, 1 attachments");
        InboundTrace.Add(mail, At.AddSeconds(2), "rejected", "permission_denied: Vous ne pouvez plus écrire · 字幕 <fr>\nline two");

        var steps = JsonNode.Parse(mail.Trace)!.AsArray();
        Assert.Equal(["stored", "classified", "rejected"], steps.Select(s => (string?)s!["step"]));
        Assert.Null(steps[0]!["detail"]);
        Assert.Equal("reply, \"token\" present, 1 attachments", (string?)steps[1]!["detail"]);
        Assert.Equal("permission_denied: Vous ne pouvez plus écrire · 字幕 <fr>\nline two", (string?)steps[2]!["detail"]);
        Assert.Contains("écrire · 字幕 <fr>", mail.Trace, StringComparison.Ordinal); // readable as stored, not \u-escaped
    }

    [Fact]
    public void Add_ToATraceThatIsNoArray_StartsAnArray()
    {
        var mail = NewMail("{\"not\":\"an array\"}");

        InboundTrace.Add(mail, At, "failed", "IOException: disk");

        Assert.Equal("failed", (string?)Assert.Single(JsonNode.Parse(mail.Trace)!.AsArray())!["step"]);
    }

    private static InboundMail NewMail(string trace) =>
        new() { Mailbox = "reply@clp.test/INBOX", MessageId = "<a@b>", Sha256 = "00", Raw = [], Trace = trace };
}
