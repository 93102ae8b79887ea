using ClpMailGateway.Outbound;

namespace ClpMailGateway.Tests.Outbound;

public sealed class MailTemplatesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clp-templates-" + Guid.NewGuid().ToString("N"));

    public MailTemplatesTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "en"));
        Directory.CreateDirectory(Path.Combine(_folder, "fr"));
        File.WriteAllText(Path.Combine(_folder, "en", "t.txt"), "Hi {{name}}\n{{#items}}\n- {{label}} of {{name}}\n{{/items}}\nend");
        File.WriteAllText(Path.Combine(_folder, "en", "t.html"), "<p>{{name}}</p>");
        File.WriteAllText(Path.Combine(_folder, "fr", "t.txt"), "Salut {{name}}");
    }

    [Fact]
    public void Render_Section_RepeatsPerItemAndDropsStandaloneTagLines()
    {
        var model = new TemplateModel
        {
            ["name"] = "Léa",
            ["items"] = new List<TemplateModel> { new() { ["label"] = "a" }, new() { ["label"] = "b" } },
        };

        Assert.Equal("Hi Léa\n- a of Léa\n- b of Léa\nend", new MailTemplates(_folder, "en").Render("t.txt", model));
    }

    [Fact]
    public void Render_EmptySectionAndMissingValue_RenderNothing()
    {
        Assert.Equal("Hi \nend", new MailTemplates(_folder, "en").Render("t.txt", new TemplateModel { ["items"] = new List<TemplateModel>() }));
    }

    [Fact]
    public void Render_Html_EscapesValues()
    {
        Assert.Equal("<p>&lt;b&gt; &amp; &quot;</p>", new MailTemplates(_folder, "en").Render("t.html", new TemplateModel { ["name"] = "<b> & \"" }));
    }

    [Fact]
    public void Render_OtherLanguage_UsesItsFolderAndFallsBackToEnglish()
    {
        var french = new MailTemplates(_folder, "fr");

        Assert.Equal("Salut Léa", french.Render("t.txt", new TemplateModel { ["name"] = "Léa" }));
        Assert.Equal("<p>Léa</p>", french.Render("t.html", new TemplateModel { ["name"] = "Léa" }));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
