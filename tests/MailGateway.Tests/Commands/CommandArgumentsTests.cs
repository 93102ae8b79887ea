using ClpMailGateway.Commands;

namespace ClpMailGateway.Tests.Commands;

public class CommandArgumentsTests
{
    private static readonly HashSet<string> Valued = ["as", "text", "attach"];
    private static readonly HashSet<string> Repeatable = ["attach"];

    [Fact]
    public void Parse_ValuesFlagsAndRepeats_AreRead()
    {
        var args = CommandArguments.Parse("post", ["--as", "a@clp.test", "--text=hello --world", "--attach", "x", "--attach", "y", "--", "--literal"], Valued, Repeatable);

        Assert.Equal("a@clp.test", args.Required("as"));
        Assert.Equal("hello --world", args.Optional("text"));
        Assert.Equal(["x", "y"], args.All("attach"));
        Assert.Equal(["--literal"], args.Positional);
    }

    [Theory]
    [InlineData("post: unknown option --tilte.", "--tilte", "x")]
    [InlineData("post: --as needs a value.", "--as")]
    [InlineData("post: --as is given more than once.", "--as", "a", "--as", "b")]
    public void Parse_BadArguments_AreUsageErrors(string message, params string[] args)
    {
        var ex = Assert.Throws<CommandException>(() => CommandArguments.Parse("post", args, Valued, Repeatable));

        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void Required_Missing_IsUsageError()
    {
        var args = CommandArguments.Parse("post", [], Valued);

        Assert.Equal("post: --as is required.", Assert.Throws<CommandException>(() => args.Required("as")).Message);
    }
}
