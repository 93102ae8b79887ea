using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.TestSupport;
using ClpMailGateway.Web.Layout;
using ClpMailGateway.Web.Tests.Support;
using HtmlAgilityPack;
using Microsoft.EntityFrameworkCore;

namespace ClpMailGateway.Web.Tests;

/// <summary>A hostile value in a title's name, a user's name, a file's name and a message renders inert on every page
/// that shows it: markup stays text, template syntax stays text, quotes never close an attribute, and a right-to-left
/// override stays inside an isolated element (&lt;bdi&gt; or one with its own dir) so it cannot turn the text around it.</summary>
public sealed class HostileValueTests : IAsyncLifetime
{
    private const string Hostile = "Evil\u202E <script>alert(1)</script> {{x}} @(1+1) \"q1\" 'q2' <img src=x onerror=alert(2)>";
    private const string FileName = "File " + Hostile + ".txt";
    private WebApp _app = null!;
    private User _user = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync(demoMode: true);
        _title = await _app.World.TitleAsync("fr");
        await _app.World.SaveAsync(db => db.Titles.Where(t => t.Id == _title.Id).ExecuteUpdate(s => s.SetProperty(t => t.Name, "Title " + Hostile)));
        _user = await _app.World.UserAsync(UserRole.Pm, languages: ["fr"]);
        await _app.World.SaveAsync(db => db.Users.Where(u => u.Id == _user.Id).ExecuteUpdate(s => s.SetProperty(u => u.Name, "User " + Hostile)));
        var channel = World.Channel(_title, "vendor-fr");
        await Scene.PostAsync(_app, _user, channel, "Message zebraword " + Hostile, (FileName, "text/plain", "x"));
        await _app.World.SaveAsync(db => db.ChannelMutes.Add(new ChannelMute { UserId = _user.Id, ChannelId = channel.Id, CreatedAtUtc = DateTime.UtcNow }));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Pages_HostileNamesFilesAndText_RenderInert()
    {
        using var anonymous = _app.Client();
        var signIn = await anonymous.GetStringAsync(new Uri("/signin", UriKind.Relative));
        using var client = await _app.SignedInAsync(_user);
        var channel = $"/titles/{_title.Slug}/vendor-fr";
        var pages = new Dictionary<string, string> { ["/signin (demo accounts)"] = signIn };
        foreach (var path in new[] { "/", "/titles", $"/titles/{_title.Slug}", channel, channel + "/search?q=zebraword", "/settings" })
        {
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pages[path] = await response.Content.ReadAsStringAsync();
        }

        var problems = new List<string>();
        var titles = new Dictionary<string, string>();
        foreach (var (path, html) in pages)
        {
            Expect(problems, path, "shows the title's or user's name", html.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", StringComparison.Ordinal));
            // The conversation's one script is the page's own static upload check.
            Expect(problems, path, "has no live <script>",
                !System.Text.RegularExpressions.Regex.IsMatch(html, @"<script(?! src=""/js/upload-limit[.a-z0-9]*\.js"" integrity=""sha256-(?:[A-Za-z0-9+/=]|&#x2B;|&#x2F;|&#x3D;)+"" defer></script>)", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
            Expect(problems, path, "has no live <img>", !html.Contains("<img", StringComparison.OrdinalIgnoreCase));
            Expect(problems, path, "closes no attribute with a quote", !html.Contains("\"q1\"", StringComparison.Ordinal));
            Expect(problems, path, "keeps {{x}} and @(1+1) as text", WebUtility.HtmlDecode(html).Contains("{{x}} @(1+1)", StringComparison.Ordinal));
            var document = new HtmlDocument();
            document.LoadHtml(html);
            foreach (var text in document.DocumentNode.DescendantsAndSelf().Where(n => n.NodeType == HtmlNodeType.Text))
            {
                if (WebUtility.HtmlDecode(text.InnerText).Contains('\u202E', StringComparison.Ordinal)
                    && !text.Ancestors().Any(a => a.Name is "bdi" || (a.Name != "html" && a.Attributes.Contains("dir"))))
                {
                    problems.Add($"{path}: a right-to-left override outside <bdi> in <{text.ParentNode?.Name}>: {text.InnerText.Trim()}");
                }
            }

            // The tab's title is plain text that no <bdi> can isolate: it carries no bidirectional control at all.
            var title = WebUtility.HtmlDecode(document.DocumentNode.SelectSingleNode("//head/title")?.InnerText ?? string.Empty);
            Expect(problems, path, "has a <title> naming the site", title.EndsWith(" · CLP Mail Gateway", StringComparison.Ordinal));
            Expect(problems, path, "has no bidirectional control in <title>", !title.Any(ClpMailGateway.Rendering.BidiText.IsControl));
            titles[path] = title;

            foreach (var element in document.DocumentNode.Descendants().Where(n => n.NodeType == HtmlNodeType.Element))
            {
                if (element.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)))
                {
                    problems.Add($"{path}: an event handler attribute on <{element.Name}>");
                }
            }
        }

        Expect(problems, "conversation", "shows the message's text", pages[channel].Contains("Message zebraword Evil", StringComparison.Ordinal));
        Expect(problems, "conversation", "shows the file's name as every page shows it",
            WebUtility.HtmlDecode(pages[channel]).Contains(FileNames.Sanitize(FileName), StringComparison.Ordinal));
        Expect(problems, "title page", "names the title in <title>, its override taken out",
            titles[$"/titles/{_title.Slug}"].StartsWith("Title Evil <script>", StringComparison.Ordinal));
        Expect(problems, "/settings", "shows the muted title's name", pages["/settings"].Contains("Title Evil", StringComparison.Ordinal));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void Expect(List<string> problems, string page, string what, bool holds)
    {
        if (!holds)
        {
            problems.Add($"{page}: {what}: no");
        }
    }
}
