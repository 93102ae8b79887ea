using BenchmarkDotNet.Attributes;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;

namespace ClpMailGateway.Benchmarks;

/// <summary>Writing one recipient's notification of a message (the fan-out does it for every immediate recipient):
/// composing a MimeMessage and writing it (what the fan-out did before <see cref="NotificationStamp"/>) against writing
/// it from the message's stamp, which gives the same bytes.</summary>
[MemoryDiagnoser]
public class NotificationBenchmarks
{
    private static readonly MailOptions Mail = new() { Domain = "clp.test", WebBaseUrl = "https://clp.example/" };
    private static readonly MailTemplates Templates = MailTemplates.Shipped;
    private readonly NotificationRendering _shared = new() { ByReference = true };
    private NotificationContent _content = null!;
    private NotificationStamp _stamp = null!;
    private Recipient[] _recipients = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _content = new NotificationContent(
            1234, "The locked cut of episode 4 is ready: please re-time against it. The IMF package follows on Friday.",
            new DateTime(2026, 11, 27, 9, 30, 0, DateTimeKind.Utc), "Anna Kowalski", 7, ChannelKind.Broadcast, "broadcast", "Broadcast",
            "blue-harbor-s2", "Blue Harbor S2", [new NotificationFile(9, "timeline.srt", "text/plain", 23, [])]);
        _recipients = Enumerable.Range(1, 64).Select(i => new Recipient(i, i % 2 == 0 ? $"Vendor {i}" : $"Léa Martin {i}", $"vendor{i}@vendor.example", DeliveryMode.Immediate, RecipientReason.Follower)).ToArray();
        _stamp = NotificationComposer.Stamp(Mail, Templates, _content, _recipients[0], "t1_first", "u1_first", 1_000_000, _shared);
    }

    [Benchmark(Baseline = true)]
    public byte[] ComposeAndWrite()
    {
        var recipient = _recipients[_next++ & 63];
        using var mime = NotificationComposer.Compose(Mail, Templates, _content, recipient, "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "u1_bbbbbbbbbbbbbbbbbbbbbbbb", 1_000_000, _shared);
        using var buffer = new MemoryStream(4096);
        mime.WriteTo(buffer);
        return buffer.ToArray();
    }

    [Benchmark]
    public byte[] FromStamp() =>
        _stamp.Write(_content, _recipients[_next++ & 63], "t1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "u1_bbbbbbbbbbbbbbbbbbbbbbbb");
}
