using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using ClpMailGateway.Threading;
using MimeKit;
using Snapshooter.Xunit;

namespace ClpMailGateway.Tests.Threading;

public class RejectionComposerTests
{
    [Fact]
    public void Compose_SenderMismatch_IsAnAutomaticReplyQuotingTheirText()
    {
        var original = new MimeMessage();
        original.From.Add(MailboxAddress.Parse("lea@vendor.example"));
        original.To.Add(MailboxAddress.Parse("reply+t1_abc@clp.test"));
        original.Subject = "Re: [Blue Harbor S2 · Vendor · French (fr)] Anna: timeline";
        original.MessageId = "orig-1@vendor.example";
        original.Date = new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);
        original.Body = new TextPart("plain") { Text = "full body" };
        var options = new MailOptions { Domain = "clp.test" };

        var rejection = RejectionComposer.Compose(options, MailTemplates.Shipped, "en", original, "lea@vendor.example", RejectReasons.SenderMismatch,
            new RejectionFacts { Sender = "lea@vendor.example" }, "Le timing est corrigé.\nMerci", new DateTime(2026, 11, 27, 9, 31, 0, DateTimeKind.Utc));

        Assert.Equal("auto-replied", rejection.Headers["Auto-Submitted"]);
        Assert.Equal("All", rejection.Headers["X-Auto-Response-Suppress"]);
        Assert.Equal("orig-1@vendor.example", rejection.InReplyTo);
        Assert.Equal("notifications@clp.test", rejection.From.Mailboxes.Single().Address);
        Snapshot.Match(new { rejection.Subject, To = rejection.To.ToString(), Text = rejection.TextBody });
    }
}
