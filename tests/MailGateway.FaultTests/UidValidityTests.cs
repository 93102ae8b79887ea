using System.Diagnostics;
using ClpMailGateway.FaultTests.Support;
using MailKit;
using MailKit.Net.Imap;
using Xunit.Abstractions;

namespace ClpMailGateway.FaultTests;

/// <summary>The polled folder deleted and made again (a new UIDVALIDITY) with its mails appended once more, as after a
/// mail server's migration, while the gateway runs: nothing posted twice, the new mails posted.</summary>
[Collection(FaultGroup.Name)]
[Trait("Category", "Fault")]
public sealed class UidValidityTests(FaultEnvironment environment, ITestOutputHelper output)
{
    [Fact]
    public async Task UidValidityChanged_MailsAppendedAgain_NothingPostedTwice()
    {
        var clock = Stopwatch.StartNew();
        const string Folder = "incoming";
        await using var gateway = await FaultGateway.CreateAsync(environment, extra: new Dictionary<string, string?> { ["Imap:Mailbox"] = Folder });
        var first = Enumerable.Range(0, FaultEnvironment.Full ? 50 : 10).Select(i => gateway.Reply($"before {i}")).ToList();
        var later = Enumerable.Range(0, 2).Select(i => gateway.Reply($"after {i}")).ToList();
        var before = await AppendAsync(gateway, Folder, first, recreate: false);
        await using var process = await gateway.StartRunningAsync();
        await KillLoopTests.WaitUntilAsync(async () => (await gateway.PostsBySourceAsync()).Count >= first.Count, TimeSpan.FromSeconds(60));

        var after = await AppendAsync(gateway, Folder, [.. first, .. later], recreate: true);
        await KillLoopTests.WaitUntilAsync(
            async () => (await gateway.PostsBySourceAsync()).Count >= first.Count + later.Count && !environment.MaildirFiles(gateway.LocalPart, Folder).Any(),
            TimeSpan.FromSeconds(90));

        var posts = await gateway.PostsBySourceAsync();
        var lost = first.Count + later.Count - posts.Count;
        var duplicated = posts.Values.Sum(c => c - 1);
        var stuck = await gateway.PendingInboundAsync() + environment.MaildirFiles(gateway.LocalPart, Folder).Count();
        var missed = new List<string>();
        KillLoopTests.Check(missed, before != after, "UIDVALIDITY did not change");
        KillLoopTests.Check(missed, !process.HasExited, "the gateway exited");
        KillLoopTests.Check(missed, lost == 0 && duplicated == 0 && stuck == 0, $"{lost} lost, {duplicated} twice, {stuck} stuck");
        FaultEnvironment.Report.Add(new FaultRow(
            "UIDVALIDITY changed, mails appended again", 1, lost, duplicated, stuck, process.PeakBytes, clock.Elapsed,
            $"UIDVALIDITY {before} -> {after}; {first.Count} mails again and {later.Count} new", missed));
        output.WriteLine(FaultEnvironment.Report.ToMarkdown());
        if (missed.Count > 0)
        {
            output.WriteLine(string.Join('\n', process.Lines().Select(l => l.Line).TakeLast(60)));
        }

        Assert.Empty(missed);
    }

    private async Task<uint> AppendAsync(FaultGateway gateway, string name, IReadOnlyList<byte[]> mails, bool recreate)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(FaultEnvironment.Host, environment.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(gateway.GatewayAddress, FaultEnvironment.Password);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        if (recreate)
        {
            await (await root.GetSubfolderAsync(name)).DeleteAsync();
            await Task.Delay(1100); // Dovecot derives UIDVALIDITY from the clock
        }

        var folder = await root.CreateAsync(name, true) ?? throw new InvalidOperationException("folder not created");
        foreach (var mail in mails)
        {
            await folder.AppendAsync(MimeKit.MimeMessage.Load(new MemoryStream(mail)));
        }

        await folder.OpenAsync(FolderAccess.ReadOnly);
        var validity = folder.UidValidity;
        await client.DisconnectAsync(true);
        return validity;
    }
}
