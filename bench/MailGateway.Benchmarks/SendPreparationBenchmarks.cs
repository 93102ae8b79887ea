using BenchmarkDotNet.Attributes;
using ClpMailGateway.Domain;
using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using MimeKit;
using MimeKit.IO;

namespace ClpMailGateway.Benchmarks;

/// <summary>The MIME work of sending one stored notification, as MailKit does it with BDAT: made ready (parsed and
/// prepared for an 8BITMIME server, as the sender did before <see cref="StoredMail"/>, or wrapped as stored), then
/// written once to measure it and once more to send it.</summary>
[MemoryDiagnoser]
public class SendPreparationBenchmarks
{
    private static readonly FormatOptions Smtp = CreateSmtpOptions();
    private readonly MemoryStream _wire = new(16 * 1024);
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
        _stored = NotificationComposer.Stamp(mail, MailTemplates.Shipped("en"), content, recipient, "t1_lea", "u1_lea", 0, new NotificationRendering { ByReference = true })
            .Write(content, recipient, "t1_lea", "u1_lea");
        if (StoredMail.TryWrap(_stored, eightBitTransport: true) is not { } wrapped)
        {
            throw new InvalidOperationException("The sample notification is not sent as stored.");
        }

        wrapped.Dispose();
    }

    [Benchmark(Baseline = true)]
    public long ParsePrepareAndWrite()
    {
        using var message = MimeMessage.Load(ParserOptions.Default, new MemoryStream(_stored, writable: false), persistent: true);
        message.Prepare(EncodingConstraint.EightBit, StoredMail.MaxLineLength);
        return MeasureAndWrite(message);
    }

    [Benchmark]
    public long WrapAndWrite()
    {
        using var message = StoredMail.TryWrap(_stored, eightBitTransport: true)!;
        return MeasureAndWrite(message);
    }

    private long MeasureAndWrite(MimeMessage message)
    {
        using var measure = new MeasuringStream();
        message.WriteTo(Smtp, measure);
        _wire.SetLength(0);
        message.WriteTo(Smtp, _wire);
        return measure.Length + _wire.Length;
    }

    private static FormatOptions CreateSmtpOptions()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        return options;
    }
}
