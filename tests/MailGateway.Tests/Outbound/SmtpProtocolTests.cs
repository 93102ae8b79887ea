using System.Buffers;
using System.Text;
using ClpMailGateway.Outbound;

namespace ClpMailGateway.Tests.Outbound;

/// <summary>The pure parts of the outbox's <see cref="SmtpSession"/>: reply lines (RFC 5321 §4.2) and DATA's
/// dot-stuffing (§4.5.2). The session itself is tested against the real Postfix (MailGateway.IntegrationTests).</summary>
public class SmtpProtocolTests
{
    [Theory]
    [InlineData("250 2.0.0 Ok: queued as 4ZxYz", 250, false, "2.0.0 Ok: queued as 4ZxYz")]
    [InlineData("250-PIPELINING", 250, true, "PIPELINING")]
    [InlineData("250 CHUNKING", 250, false, "CHUNKING")]
    [InlineData("354 End data with <CR><LF>.<CR><LF>", 354, false, "End data with <CR><LF>.<CR><LF>")]
    [InlineData("421 4.3.2 Service shutting down", 421, false, "4.3.2 Service shutting down")]
    [InlineData("550 5.1.1 <nobody@clp.test>: Recipient address rejected", 550, false, "5.1.1 <nobody@clp.test>: Recipient address rejected")]
    [InlineData("250", 250, false, "")]
    [InlineData("220 mail.clp.test ESMTP ünïcode", 220, false, "mail.clp.test ESMTP ünïcode")]
    public void TryParseLine_ReplyLines_GiveCodeContinuationAndText(string line, int code, bool more, string text)
    {
        Assert.True(SmtpReply.TryParseLine(Encoding.UTF8.GetBytes(line), out var parsedCode, out var parsedMore, out var parsedText));
        Assert.Equal((code, more, text), (parsedCode, parsedMore, parsedText));
    }

    [Theory]
    [InlineData("")]
    [InlineData("25")]
    [InlineData("ok 250")]
    [InlineData("2500 too long a code")]
    [InlineData("250:colon")]
    [InlineData("150 below 2xx")]
    [InlineData("650 above 5xx")]
    [InlineData("2x0 letters")]
    [InlineData("* OK IMAP4rev1 ready")]
    public void TryParseLine_NotReplies_AreRefused(string line)
    {
        Assert.False(SmtpReply.TryParseLine(Encoding.UTF8.GetBytes(line), out var code, out _, out _));
        Assert.Equal(0, code);
    }

    [Theory]
    [InlineData(250, true, false)]
    [InlineData(354, true, false)]
    [InlineData(421, false, false)]
    [InlineData(451, false, false)]
    [InlineData(550, false, true)]
    [InlineData(554, false, true)]
    public void SmtpReply_CodeClasses_DecideTheOutcome(int code, bool positive, bool permanent)
    {
        var reply = new SmtpReply(code, "text");
        Assert.Equal((positive, permanent, code == 421), (reply.IsPositive, reply.IsPermanent, reply.ClosesConnection));
    }

    [Fact]
    public void SmtpReply_MultiLine_IsRecordedOnOneLine()
    {
        Assert.Equal("550 5.7.1 first line second line", new SmtpReply(550, "5.7.1 first line\nsecond line").ToString());
    }

    [Theory]
    // A line starting with a dot gets a second dot, at the start of the content and after every line end; dots
    // elsewhere stay; the content ends with CRLF (added when missing), then the terminating dot line.
    [InlineData("Hi\r\n", "Hi\r\n.\r\n")]
    [InlineData(".\r\n", "..\r\n.\r\n")]
    [InlineData(".start\r\nmiddle . dot\r\n.\r\n..two\r\n", "..start\r\nmiddle . dot\r\n..\r\n...two\r\n.\r\n")]
    [InlineData("no final newline", "no final newline\r\n.\r\n")]
    [InlineData("ends with a dot line\r\n.", "ends with a dot line\r\n..\r\n.\r\n")]
    [InlineData("", "\r\n.\r\n")]
    public void WriteDotStuffed_DotLines_AreDoubledAndTheDataEnds(string content, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        SmtpSession.WriteDotStuffed(Encoding.ASCII.GetBytes(content), output);
        Assert.Equal(expected, Encoding.ASCII.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteDotStuffed_EightBitContent_IsCopiedByteForByte()
    {
        var content = Encoding.UTF8.GetBytes("字幕\r\n.点\r\nCafé\r\n");
        var output = new ArrayBufferWriter<byte>();
        SmtpSession.WriteDotStuffed(content, output);
        Assert.Equal(Encoding.UTF8.GetBytes("字幕\r\n..点\r\nCafé\r\n.\r\n"), output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(250, "2.0.0 Ok: queued as 4ZxYz", SmtpReply.Content, "Sent")]
    [InlineData(451, "4.3.0 Temporary lookup failure", SmtpReply.RcptTo, "Transient")]
    [InlineData(452, "4.3.1 Insufficient system storage", SmtpReply.MailFrom, "Transient")]
    [InlineData(421, "4.3.2 Service shutting down", SmtpReply.Content, "Transient")]
    [InlineData(550, "5.1.1 <unknown@clp.test>: Recipient address rejected: User unknown", SmtpReply.RcptTo, "Permanent")]
    [InlineData(554, "5.7.1 <x@clp.test>: Relay access denied", SmtpReply.RcptTo, "Permanent")]
    [InlineData(550, "5.1.1 mailbox unavailable", SmtpReply.Content, "Permanent")]
    [InlineData(552, "5.3.4 Message size exceeds fixed limit", SmtpReply.MailFrom, "Undeliverable")]
    [InlineData(554, "5.7.1 Message rejected as spam", SmtpReply.Content, "Undeliverable")]
    [InlineData(553, "5.6.7 an address of the envelope is not ASCII", null, "Undeliverable")]
    [InlineData(530, "5.7.0 Must issue a STARTTLS command first", SmtpReply.MailFrom, "Transient")]
    [InlineData(530, "5.7.0 Authentication required", SmtpReply.MailFrom, "Transient")]
    public void Classify_Reply_DecidesRetryFailureOrSuppression(int code, string text, string? command, string expected)
    {
        // By name: SendResult is internal, a public test method cannot take it.
        Assert.Equal(expected, OutboxSender.Classify(new SmtpReply(code, text, command)).ToString());
    }

    [Theory]
    [InlineData("3A1F0C5D7E9B2468ACE013579BDF02468ACE13579BDF02468ACE13579BDF0246")]
    [InlineData("3a1f0c5d7e9b2468ace013579bdf02468ace13579bdf02468ace13579bdf0246")]
    [InlineData("3A:1F:0C:5D:7E:9B:24:68:AC:E0:13:57:9B:DF:02:46:8A:CE:13:57:9B:DF:02:46:8A:CE:13:57:9B:DF:02:46")]
    [InlineData("sha256 Fingerprint=3A:1F:0C:5D:7E:9B:24:68:AC:E0:13:57:9B:DF:02:46:8A:CE:13:57:9B:DF:02:46:8A:CE:13:57:9B:DF:02:46")]
    [InlineData("  3A1F 0C5D 7E9B 2468 ACE0 1357 9BDF 0246 8ACE 1357 9BDF 0246 8ACE 1357 9BDF 0246 ")]
    public void CertificatePin_Sha256InTheUsualSpellings_Parses(string text)
    {
        Assert.Equal(Convert.FromHexString("3A1F0C5D7E9B2468ACE013579BDF02468ACE13579BDF02468ACE13579BDF0246"), CertificatePin.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3A1F0C5D")]
    [InlineData("3A1F0C5D7E9B2468ACE013579BDF02468ACE13579BDF02468ACE13579BDF024")]
    [InlineData("3A1F0C5D7E9B2468ACE013579BDF02468ACE13579BDF02468ACE13579BDF02466")]
    [InlineData("ZZ1F0C5D7E9B2468ACE013579BDF02468ACE13579BDF02468ACE13579BDF0246")]
    public void CertificatePin_NotASha256_IsNull(string text) => Assert.Null(CertificatePin.Parse(text));
}
