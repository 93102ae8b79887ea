using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;
using MimeKit.IO;

namespace ClpMailGateway.Benchmarks;

/// <summary>The MIME work of sending one stored notification: as the sender did it through MailKit with BDAT before
/// <see cref="StoredMail"/> (parsed, prepared for an 8BITMIME server, written once to measure it and once to send it),
/// against <see cref="StoredMail.TryRender"/>, which writes the wire bytes once from the stored ones.</summary>
[MemoryDiagnoser]
public class SendPreparationBenchmarks
{
    private readonly MemoryStream _wire = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _rendered = new(16 * 1024);
    private byte[] _stored = [];

    [GlobalSetup]
    public void Setup()
    {
        var mail = new MailOptions { Domain = "clp.test", WebBaseUrl = "https://clp.example/" };
        var content = new NotificationContent(
            1234, "The locked cut of episode 4 is ready: please re-time against it. Die Untertitel für Folge 4 sind fertig; 字幕のタイミングを確認しました。",
            new DateTime(2026, 11, 27, 9, 30, 0, DateTimeKind.Utc), "Anna Kowalski", 7, ChannelKind.Broadcast, "broadcast", "Broadcast",
            "blue-harbor-s2", "Blue Harbor S2", []);
        var recipient = new Recipient(42, "Léa Martin", "fr.lea@vendor.example", DeliveryMode.Immediate, RecipientReason.Follower);
        _stored = NotificationComposer.Stamp(mail, MailTemplates.Shipped, content, recipient, "t1_lea", "u1_lea", 0, new NotificationRendering { ByReference = true })
            .Write(content, recipient, "t1_lea", "u1_lea");
        if (Render() == 0)
        {
            throw new InvalidOperationException("The sample notification is not sent as stored.");
        }
    }

    [Benchmark(Baseline = true)]
    public long ParsePrepareAndWrite()
    {
        using var message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(_stored, writable: false), persistent: true);
        message.Prepare(EncodingConstraint.EightBit, StoredMail.MaxLineLength);
        using var measure = new MeasuringStream();
        message.WriteTo(SmtpSession.WireFormat, measure);
        _wire.SetLength(0);
        message.WriteTo(SmtpSession.WireFormat, _wire);
        return measure.Length + _wire.Length;
    }

    [Benchmark]
    public long Render()
    {
        _rendered.ResetWrittenCount();
        return StoredMail.TryRender(_stored, eightBitTransport: true, _rendered) ? _rendered.WrittenCount : 0;
    }
}
