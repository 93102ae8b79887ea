using ClpMailGateway.Mail;
using ClpMailGateway.Outbound;
using Snapshooter.Xunit;

namespace ClpMailGateway.Tests.Outbound;

public class DigestComposerTests
{
    [Fact]
    public void Compose_TwoChannels_SnapshotGroupsByTitleAndChannel()
    {
        var at = new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc);
        var content = new DigestContent(77, 42, "Léa Martin", "fr.lea@clp.test", at,
        [
            new DigestGroup("Blue Harbor S2", "blue-harbor-s2", 5, "broadcast", "Broadcast",
                [new DigestEntry(1, "Anna Kowalski", at.AddMinutes(-50), "Locked cut is out.", 0)]),
            new DigestGroup("Blue Harbor S2", "blue-harbor-s2", 7, "vendor-fr", "Vendor · French (fr)",
            [
                new DigestEntry(2, "Anna Kowalski", at.AddMinutes(-40), "Reel 2 <timeline> fixed?", 1),
                new DigestEntry(3, "Bruno Costa", at.AddMinutes(-20), "Yes & thanks.", 0),
            ]),
        ],
        "t1_digesttoken");

        var mail = DigestComposer.Compose(new MailOptions { Domain = "clp.test", WebBaseUrl = "https://clp.example" }, MailTemplates.Shipped, content);

        Assert.Equal("digest-77@clp.test", mail.MessageId);
        Assert.Equal("reply@clp.test", mail.ReplyTo.Mailboxes.Single().Address);
        Assert.Equal("<https://clp.example/unsubscribe/t1_digesttoken>, <mailto:reply@clp.test?subject=unsubscribe%20t1_digesttoken>", mail.Headers["List-Unsubscribe"]);
        Snapshot.Match(NotificationComposerTests.Describe(mail));
    }
}
