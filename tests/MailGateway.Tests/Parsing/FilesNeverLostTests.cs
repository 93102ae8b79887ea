using System.Text;
using ClpMailGateway.Parsing;
using static ClpMailGateway.Tests.Parsing.TestMail;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Nothing the person sent is lost: a <c>winmail.dat</c> that cannot be read, and a part whose transfer
/// encoding is damaged or unknown, are kept as the bytes that came, with a note for the inbound trace.</summary>
public sealed class FilesNeverLostTests
{
    private static byte[] WithFile(string partHeaders, string encodedContent) => Reply(
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSee attached.\n"
        + $"--b\n{partHeaders}\n\n{encodedContent}\n--b--\n");

    private static byte[] WithWinmail(byte[] tnef) => WithFile(
        "Content-Type: application/ms-tnef; name=\"winmail.dat\"\nContent-Disposition: attachment; filename=\"winmail.dat\"\nContent-Transfer-Encoding: base64",
        Convert.ToBase64String(tnef, Base64FormattingOptions.InsertLineBreaks));

    [Fact]
    public void Analyze_WinmailWithAFile_ListsTheFileInside()
    {
        var tnef = new TnefBuilder().Body("See attached.").File("timeline.txt", Encoding.ASCII.GetBytes("00:01 Hello")).ToArray();
        var analysis = Analyze(WithWinmail(tnef));
        var file = Assert.Single(analysis.Attachments);
        Assert.Equal(("timeline.txt", 11L), (file.Name, file.SizeBytes));
        Assert.Empty(analysis.Notes);
    }

    [Fact]
    public void Analyze_WinmailWithOnlyTheMessageText_AddsNoFile()
    {
        var analysis = Analyze(WithWinmail(new TnefBuilder().Body("See attached.").ToArray()));
        Assert.Empty(analysis.Attachments);
        Assert.Empty(analysis.Notes);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("signature only")]
    [InlineData("truncated file")]
    public void Analyze_WinmailThatCannotBeRead_IsKeptAsItCameWithANote(string damage)
    {
        var whole = new TnefBuilder().Body("See attached.").File("timeline.txt", new byte[4000]).ToArray();
        var tnef = damage switch
        {
            "garbage" => Encoding.ASCII.GetBytes(Repeat("not a TNEF stream at all ", 40)),
            "signature only" => whole[..6],
            _ => whole[..(whole.Length - 2000)],
        };
        var analysis = Analyze(WithWinmail(tnef));
        var kept = Assert.Single(analysis.Attachments);
        Assert.Equal(("winmail.dat", "application/ms-tnef", (long)tnef.Length), (kept.Name, kept.ContentType, kept.SizeBytes));
        Assert.Contains(analysis.Notes, n => n.Contains("winmail.dat", StringComparison.Ordinal) && n.Contains("kept as it came", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("JVBERi0xLjQK!!!!broken*base64", "outside its alphabet")]
    [InlineData("JVBERi0xLjQKJVBERi0xLjQKJ", "cut off")]
    [InlineData("JVBERi0x==LjQK", "after its padding")]
    public void Analyze_FileWithDamagedBase64_IsKeptAsTheBytesThatCame(string encoded, string problem)
    {
        var analysis = Analyze(WithFile("Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"cue-sheet.pdf\"\nContent-Transfer-Encoding: base64", encoded));
        var file = Assert.Single(analysis.Attachments);
        Assert.Equal("cue-sheet.pdf", file.Name);
        using var content = new MemoryStream();
        file.Part.Content!.DecodeTo(content);
        Assert.Equal(encoded, Encoding.ASCII.GetString(content.ToArray()).TrimEnd());
        Assert.Equal(content.Length, file.SizeBytes);
        Assert.Contains(analysis.Notes, n => n.Contains("cue-sheet.pdf", StringComparison.Ordinal) && n.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_FileWithUnknownTransferEncoding_IsKeptAsTheBytesThatCame()
    {
        var analysis = Analyze(WithFile("Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"subs.srt.gz\"\nContent-Transfer-Encoding: x-gzip64", "H4sIAAAAAAAA/w=="));
        var file = Assert.Single(analysis.Attachments);
        Assert.Equal(("subs.srt.gz", 16L), (file.Name, file.SizeBytes));
        Assert.Contains(analysis.Notes, n => n.Contains("unknown transfer encoding 'x-gzip64'", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_FileWithValidBase64_IsDecodedWithoutANote()
    {
        var analysis = Analyze(WithFile("Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"a.pdf\"\nContent-Transfer-Encoding: base64", Convert.ToBase64String(new byte[1000], Base64FormattingOptions.InsertLineBreaks)));
        Assert.Equal(1000, Assert.Single(analysis.Attachments).SizeBytes);
        Assert.Empty(analysis.Notes);
    }

    [Fact]
    public void Analyze_BodyWithBrokenQuotedPrintable_IsReadWithANote()
    {
        var analysis = Analyze(Reply("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nSee https://example.test/?a=b&c=zz for the cue sheet.\n"));
        Assert.Equal("See https://example.test/?a=b&c=zz for the cue sheet.", analysis.Text);
        Assert.Contains(analysis.Notes, n => n.Contains("quoted-printable", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_SoftBreaksAndEscapesInQuotedPrintable_NeedNoNote()
    {
        var analysis = Analyze(Reply("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nLe sous-titrage est corrig=C3=A9, la version =\nfinale suit. compl=c3=a8te\n"));
        Assert.Equal("Le sous-titrage est corrigé, la version finale suit. complète", analysis.Text);
        Assert.Empty(analysis.Notes);
    }
}
