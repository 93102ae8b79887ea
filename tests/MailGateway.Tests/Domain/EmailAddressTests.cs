using ClpMailGateway.Domain;

namespace ClpMailGateway.Tests.Domain;

public class EmailAddressTests
{
    [Theory]
    [InlineData(" PM.Anna@CLP.test ", "pm.anna@clp.test")]
    [InlineData("x@y.z", "x@y.z")]
    public void Normalize_Address_TrimsAndLowers(string input, string expected) => Assert.Equal(expected, EmailAddress.Normalize(input));

    [Theory]
    [InlineData("anna@clp.test", true)]
    [InlineData("anna+tag@sub.clp.test", true)]
    [InlineData("anna", false)]
    [InlineData("anna@", false)]
    [InlineData("@clp.test", false)]
    [InlineData("a@b@clp.test", false)]
    [InlineData("anna@clp", false)]
    [InlineData("an na@clp.test", false)]
    [InlineData("anna@clp.test.", false)]
    [InlineData("", false)]
    public void LooksValid_Address_IsJudged(string input, bool expected) => Assert.Equal(expected, EmailAddress.LooksValid(input));
}
