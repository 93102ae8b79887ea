using System.Text;
using ClpMailGateway.Inbound;
using ClpMailGateway.Mail;
using ClpMailGateway.Parsing;
using ClpMailGateway.Threading;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ClpMailGateway.Tests.Inbound;

/// <summary>The parse of one mail within its time and memory limits, on threads of the parser's own.</summary>
public sealed class BoundedParserTests
{
    private static readonly MailOptions Mail = new() { Domain = "clp.test" };

    private static BoundedParser Parser(TimeSpan timeout, int megabytes = 256, Func<Stream, MailOptions, bool, CancellationToken, ParsedReply>? parse = null) =>
        new(
            Options.Create(new ImapOptions { ParseTimeout = timeout, ParseMemoryMegabytes = megabytes }),
            Options.Create(Mail),
            NullLogger<BoundedParser>.Instance,
            parse ?? ReplyThreader.Parse);

    [Fact]
    public async Task Parse_PlainReply_ParsedAndClassified()
    {
        using var parser = Parser(TimeSpan.FromSeconds(10));

        var outcome = await parser.ParseAsync(Reply("Fine by me."), decodeFiles: true, urgent: true, "test");

        Assert.Null(outcome.Limit);
        Assert.Null(outcome.Error);
        Assert.Equal(ReplyKind.Reply, outcome.Parsed!.Analysis.Kind);
        Assert.Equal("Fine by me.", outcome.Parsed.Analysis.Text);
    }

    [Fact]
    public async Task Parse_ThousandsOfParts_OverItsCpuTime_StoppedAtAReadWithTheLimit()
    {
        using var parser = Parser(TimeSpan.FromMilliseconds(100));
        var body = new StringBuilder("From: a@example.com\r\nTo: reply+x@clp.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (var i = 0; i < 400_000; i++)
        {
            body.Append("--b\r\nContent-Type: text/plain\r\n\r\npart ").Append(i).Append("\r\n");
        }

        var outcome = await parser.ParseAsync(Encoding.ASCII.GetBytes(body.Append("--b--\r\n").ToString()), decodeFiles: true, urgent: true, "test");

        // Stopped for the CPU it used or, on a machine so loaded that it could not use it, as held up (tried again later).
        Assert.Null(outcome.Parsed);
        Assert.True(outcome.Limit == "used more than 0.1 s of CPU" || (outcome.Contested && outcome.Limit == "took longer than 0.4 s"), outcome.Limit);
    }

    [Fact]
    public async Task Parse_FileDecodedPastTheMemoryLimit_StoppedWithTheLimit()
    {
        using var parser = Parser(TimeSpan.FromMinutes(1), megabytes: 16);
        // Two files under the posting limit, decoded for posting: more than 16 MB together.
        var raw = Reply("Here is the cut.", new byte[9 * 1024 * 1024], new byte[9 * 1024 * 1024]);

        var outcome = await parser.ParseAsync(raw, decodeFiles: true, urgent: true, "test");

        Assert.Null(outcome.Parsed);
        Assert.Equal("allocated more than 16 MB", outcome.Limit);
        Assert.True(outcome.AllocatedBytes > 16 * 1024 * 1024);
    }

    [Fact]
    public async Task Parse_HeldUpWithoutACheck_StoppedAtFourTimesItsTimeAsContested_NextMailParsedAndTheThreadEndsLater()
    {
        using var release = new ManualResetEventSlim();
        var stuck = 0;
        using var parser = Parser(TimeSpan.FromMilliseconds(300), parse: (stream, options, decode, token) =>
        {
            if (Interlocked.Exchange(ref stuck, 1) == 0)
            {
                release.Wait(CancellationToken.None); // a loop with no read and no check: only the watchdog can give up on it
            }

            return ReplyThreader.Parse(stream, options, decode, token);
        });

        var runaway = await parser.ParseAsync(Reply("stuck"), decodeFiles: false, urgent: true, "runaway").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("took longer than 1.2 s", runaway.Limit); // four times the limit in wall time, without using the CPU
        Assert.True(runaway.Contested);
        Assert.Equal(1, parser.AbandonedRunning);

        // A thread took the place of the abandoned one: the next mails are parsed although it still runs.
        var next = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => parser.ParseAsync(Reply($"next {i}"), decodeFiles: false, urgent: false, "next")))
            .WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(next, o => Assert.NotNull(o.Parsed));

        release.Set();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (parser.AbandonedRunning > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, parser.AbandonedRunning);
    }

    [Fact]
    public async Task Parse_ParserThrows_TheErrorIsTheOutcome()
    {
        using var parser = Parser(TimeSpan.FromSeconds(10), parse: (_, _, _, _) => throw new FormatException("not MIME"));

        var outcome = await parser.ParseAsync(Reply("x"), decodeFiles: false, urgent: true, "test");

        Assert.IsType<FormatException>(outcome.Error);
        Assert.Null(outcome.Limit);
    }

    [Fact]
    public void CheckCurrent_NoParseOnThisThread_DoesNothing() => ParseBudget.CheckCurrent();

    private static byte[] Reply(string text, params byte[][] files)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("fr.lea@example.com"));
        message.To.Add(MailboxAddress.Parse("reply+AAAAAAAAAAAAAAAAAAAAAAAA@clp.test"));
        message.Subject = "Re: timeline";
        var body = new BodyBuilder { TextBody = text };
        for (var i = 0; i < files.Length; i++)
        {
            body.Attachments.Add($"cut{i}.mov", files[i]);
        }

        message.Body = body.ToMessageBody();
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return buffer.ToArray();
    }
}
