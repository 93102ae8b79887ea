using System.Text;
using ClpMailGateway.Parsing;

namespace ClpMailGateway.Tests.Parsing;

/// <summary>Raw reply mails built for the parsing tests, and the analysis run the way the gateway runs it.</summary>
internal static class TestMail
{
    public const string Token = "AbCdEfGhIjKlMnOpQrStUv_-12";
    public const string Domain = "clp.test";

    /// <summary>Much less stack than a thread of the gateway has: an analysis that recursed once per nesting level of its
    /// input would overflow it (and take the test run down, as it would the gateway).</summary>
    public const int SmallStackBytes = 512 * 1024;

    /// <summary>A reply to a notification: the headers, then <paramref name="headersAndBody"/> (more headers, a blank
    /// line, the body), CRLF line ends.</summary>
    public static byte[] Reply(string headersAndBody) =>
        Encoding.UTF8.GetBytes(($"From: anna@vendor.example\nTo: reply+{Token}@{Domain}\nSubject: RE: Locked cut\nMIME-Version: 1.0\n" + headersAndBody).ReplaceLineEndings("\r\n"));

    public static byte[] Html(string html) => Reply("Content-Type: text/html; charset=utf-8\n\n" + html);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static ReplyAnalysis Analyze(byte[] raw) => ReplyAnalyzer.Analyze(raw, "reply", Domain);

    /// <summary>The analysis on a thread with <see cref="SmallStackBytes"/> of stack.</summary>
    public static ReplyAnalysis AnalyzeOnSmallStack(byte[] raw)
    {
        ReplyAnalysis? result = null;
        Exception? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = Analyze(raw);
                }
#pragma warning disable CA1031 // handed to the test thread
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    error = ex;
                }
            },
            SmallStackBytes);
        thread.Start();
        thread.Join();
        return error is null ? result! : throw new InvalidOperationException("The analysis failed", error);
    }

    public static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();
}
