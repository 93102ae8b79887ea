using ClpMailGateway.Rendering;

namespace ClpMailGateway.Tests.Rendering;

public sealed class BidiTextTests
{
    [Theory]
    [InlineData("Evil\u202Etxt.exe", "Eviltxt.exe")]
    [InlineData("\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee", "abcde")]
    [InlineData("\u2066a\u2067b\u2068c\u2069", "abc")]
    [InlineData("\u2069\u2069\u202E", "")]
    public void WithoutBidiControls_EmbeddingOverrideOrIsolate_Removed(string text, string expected) =>
        Assert.Equal(expected, BidiText.WithoutControls(text));

    [Theory]
    [InlineData("Night Shift")]
    [InlineData("ليلة الوردية")]
    [InlineData("משמרת לילה")]
    [InlineData("Marks stay: \u200E\u200F\u061C, and U+2065 beside the isolates: \u2065")]
    [InlineData("")]
    public void WithoutBidiControls_OrdinaryText_ReturnedAsItIs(string text) =>
        Assert.Same(text, BidiText.WithoutControls(text));

    [Theory]
    [InlineData("Evil\u202Etxt.exe")]
    [InlineData("\u2066open isolate")]
    public void Isolate_ValueWithControl_WrappedInFirstStrongIsolate(string text) =>
        Assert.Equal("\u2068" + text + "\u2069", BidiText.Isolate(text));

    [Fact]
    public void Isolate_OrdinaryText_ReturnedAsItIs()
    {
        var text = "ليلة الوردية · Night Shift";
        Assert.Same(text, BidiText.Isolate(text));
    }
}
