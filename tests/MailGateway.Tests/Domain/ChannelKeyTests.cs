using ClpMailGateway.Domain;

namespace ClpMailGateway.Tests.Domain;

public class ChannelKeyTests
{
    [Theory]
    [InlineData("internal", ChannelKind.Internal, "internal", null)]
    [InlineData("Broadcast", ChannelKind.Broadcast, "broadcast", null)]
    [InlineData("vendor-fr", ChannelKind.Vendor, "vendor-fr", "fr")]
    [InlineData("VENDOR-PT-BR", ChannelKind.Vendor, "vendor-pt-br", "pt-BR")]
    [InlineData("vendor-zh-hant", ChannelKind.Vendor, "vendor-zh-hant", "zh-Hant")]
    public void TryParse_Key_GivesKindKeyAndLanguage(string key, ChannelKind kind, string normalized, string? language)
    {
        Assert.True(ChannelKey.TryParse(key, out var parsedKind, out var parsedKey, out var parsedLanguage));
        Assert.Equal(kind, parsedKind);
        Assert.Equal(normalized, parsedKey);
        Assert.Equal(language, parsedLanguage);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("vendor")]
    [InlineData("vendor-")]
    [InlineData("vendor-french")]
    [InlineData("internals")]
    [InlineData("fr")]
    public void TryParse_BadKey_ReturnsFalse(string? key) => Assert.False(ChannelKey.TryParse(key, out _, out _, out _));

    [Fact]
    public void For_VendorChannel_IsLowerCase() => Assert.Equal("vendor-pt-br", ChannelKey.For(ChannelKind.Vendor, "pt-BR"));

    [Fact]
    public void EnsureChannels_Title_HasInternalBroadcastAndOneVendorChannelPerLanguage()
    {
        var title = new Title { Slug = "t", Name = "T" };
        title.Languages.Add(new TitleLanguage { Language = "fr" });
        title.Languages.Add(new TitleLanguage { Language = "pt-BR" });

        TitleChannels.EnsureChannels(title);
        TitleChannels.EnsureChannels(title);

        Assert.Equal(["internal", "broadcast", "vendor-fr", "vendor-pt-br"], title.Channels.Select(c => c.Key));
        Assert.Equal("pt-BR", title.Channels.Single(c => c.Key == "vendor-pt-br").Language);
    }
}
