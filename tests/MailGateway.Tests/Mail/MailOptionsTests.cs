using ClpMailGateway.Mail;

namespace ClpMailGateway.Tests.Mail;

public class MailOptionsTests
{
    private static readonly MailOptions Options = new() { Domain = "clp.test", ReplyLocalPart = "reply" };

    [Theory]
    [InlineData("reply@clp.test", true)]
    [InlineData("REPLY+abc@CLP.test", true)]
    [InlineData("notifications@clp.test", true)]
    [InlineData("mailer-daemon@clp.test", true)]
    [InlineData("postmaster@clp.test", true)]
    [InlineData("fr.lea@clp.test", false)]
    [InlineData("reply@vendor.example", false)]
    [InlineData("replyx@clp.test", false)]
    [InlineData("garbage", false)]
    public void IsOwnAddress_Address_IsJudged(string address, bool expected) => Assert.Equal(expected, Options.IsOwnAddress(address));

    [Fact]
    public void ReplyAddress_Token_IsPlusAddressed() => Assert.Equal("reply+abc@clp.test", Options.ReplyAddress("abc"));
}
