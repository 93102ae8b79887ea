using System.Net;
using ClpMailGateway.Domain;
using ClpMailGateway.Posting;
using ClpMailGateway.Web.Tests.Support;

namespace ClpMailGateway.Web.Tests;

public sealed class PostingTests : IAsyncLifetime
{
    private WebApp _app = null!;
    private Title _title = null!;
    private User _pm = null!;
    private HttpClient _client = null!;

    private string Broadcast => $"/titles/{_title.Slug}/broadcast";

    public async Task InitializeAsync()
    {
        _app = await WebApp.StartAsync();
        _title = await _app.World.TitleAsync("fr");
        _pm = await _app.World.UserAsync(UserRole.Pm);
        _client = await _app.SignedInAsync(_pm);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Post_TextAndAttachment_IsSavedShownAndDownloadable()
    {
        var response = await WebApp.PostMultipartAsync(_client, Broadcast, $"{Broadcast}/messages", "Locked cut is out",
            ("notes für QC.pdf", "%PDF-1.4 test"u8.ToArray(), "application/pdf"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await _client.GetStringAsync(new Uri(Broadcast, UriKind.Relative));
        Assert.Contains("Locked cut is out", page, StringComparison.Ordinal);
        Assert.Contains("notes für QC.pdf", page, StringComparison.Ordinal);
        Assert.Contains("on the web", page, StringComparison.Ordinal);

        var id = await _app.QueryAsync(db => Task.FromResult(db.Attachments.Single().Id));
        var download = await _client.GetAsync(new Uri($"/attachments/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("notes für QC.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("%PDF-1.4 test"u8.ToArray(), await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Post_MentionOfSomeoneWhoGetsNoMail_TellsTheAuthorWhoAndWhy()
    {
        var quiet = await _app.World.UserAsync(UserRole.Cpc);
        await _app.World.SaveAsync(db => db.UserSettings.Where(s => s.UserId == quiet.Id).ToList().ForEach(s => s.MentionsEnabled = false));

        var response = await WebApp.PostMultipartAsync(_client, Broadcast, $"{Broadcast}/messages", $"@{quiet.Handle} please check, and @nobody-here");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Posted. @{quiet.Handle} ({quiet.Name}) will not get a mail about it: they turned mention mails off.", html, StringComparison.Ordinal);
        Assert.Contains("Posted. @nobody-here matches no user", html, StringComparison.Ordinal);
        Assert.Equal(1, await _app.QueryAsync(db => Task.FromResult(db.Messages.Count())));
    }

    [Fact]
    public async Task Post_AttachmentOver10MB_NamesTheFileAndSavesNothing()
    {
        var big = new byte[11 * 1024 * 1024];

        var response = await WebApp.PostMultipartAsync(_client, Broadcast, $"{Broadcast}/messages", "with a big file",
            ("small.txt", "ok"u8.ToArray(), "text/plain"), ("master-reel.mov", big, "video/quicktime"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("The attachment &#x27;master-reel.mov&#x27; is larger than the limit of 10 MB per file; nothing was posted.", html, StringComparison.Ordinal);
        Assert.Contains("with a big file</textarea>", html, StringComparison.Ordinal);
        Assert.Equal(0, await _app.World.CountAsync<Message>());
        Assert.Equal(0, await _app.World.CountAsync<Attachment>());
    }

    [Theory]
    [InlineData("fr", "La pièce jointe « {0} » dépasse la limite de 10 MB par fichier ; rien n'a été publié.")]
    [InlineData("ar", "المرفق «{0}» أكبر من الحد المسموح به وهو 10 MB لكل ملف؛ لم يُنشر شيء.")]
    public async Task Post_AttachmentOver10MBInReadersLanguage_SaysItThereWithTheFileNameVerbatim(string language, string sentence)
    {
        const string hostile = "l'été & <img src=x onerror=alert(1)>\u202Evom.exe";
        var shown = FileNames.Sanitize(hostile);
        using var client = await _app.SignedInAsync(_pm);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var response = await WebApp.PostMultipartAsync(client, Broadcast, $"{Broadcast}/messages", "texte",
            (hostile, new byte[(10 * 1024 * 1024) + 1], "video/quicktime"));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains($"<html lang=\"{language}\"", raw, StringComparison.Ordinal);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, sentence, shown), WebUtility.HtmlDecode(raw), StringComparison.Ordinal);
        Assert.DoesNotContain("<img", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202E", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("is larger than the limit", raw, StringComparison.Ordinal);
        Assert.Equal(0, await _app.World.CountAsync<Message>());
    }

    [Fact]
    public async Task Post_TextTooLongInFrench_SaysTheLimitWithFrenchDigits()
    {
        var french = System.Globalization.CultureInfo.GetCultureInfo("fr");
        using var client = await _app.SignedInAsync(_pm);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr");

        var response = await WebApp.PostMultipartAsync(client, Broadcast, $"{Broadcast}/messages", new string('a', PostingLimits.MaxTextLength + 1));
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(
            $"Le message compte {(PostingLimits.MaxTextLength + 1).ToString("N0", french)} caractères ; la limite est de {PostingLimits.MaxTextLength.ToString("N0", french)}.",
            html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MentionsInGerman_WarningsAreGermanWithNamesVerbatim()
    {
        var quiet = await _app.World.UserAsync(UserRole.Cpc);
        await _app.World.SaveAsync(db => db.UserSettings.Where(s => s.UserId == quiet.Id).ToList().ForEach(s => s.MentionsEnabled = false));
        using var client = await _app.SignedInAsync(_pm);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");

        var response = await WebApp.PostMultipartAsync(client, Broadcast, $"{Broadcast}/messages", $"@{quiet.Handle} bitte prüfen, und @niemand-hier");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"@{quiet.Handle} ({quiet.Name}) erhält dazu keine E-Mail: die Person hat E-Mails zu Erwähnungen ausgeschaltet.", html, StringComparison.Ordinal);
        Assert.Contains("@niemand-hier passt zu keinem Benutzer; niemand wurde dafür benachrichtigt.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Empty_SaysWhatIsMissing()
    {
        var response = await WebApp.PostMultipartAsync(_client, Broadcast, $"{Broadcast}/messages", "   ");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A message needs text or at least one attachment.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TextTooLong_SaysTheLimit()
    {
        var response = await WebApp.PostMultipartAsync(_client, Broadcast, $"{Broadcast}/messages", new string('a', PostingLimits.MaxTextLength + 1));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the limit is 100,000", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefused()
    {
        using var content = new MultipartFormDataContent { { new StringContent("forged"), "text" } };

        var response = await _client.PostAsync(new Uri($"{Broadcast}/messages", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _app.World.CountAsync<Message>());
    }

    [Fact]
    public async Task Conversation_MarkupInTextAndFileName_IsShownAsText()
    {
        await Scene.PostAsync(_app, _pm, ClpMailGateway.TestSupport.World.Channel(_title, "broadcast"), "<img src=x onerror=alert(1)>",
            ("<svg onload=alert(2)>.html", "text/html", "<script>alert(3)</script>"));

        var page = await _client.GetStringAsync(new Uri(Broadcast, UriKind.Relative));
        var id = await _app.QueryAsync(db => Task.FromResult(db.Attachments.Single().Id));
        var download = await _client.GetAsync(new Uri($"/attachments/{id}", UriKind.Relative));

        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", page, StringComparison.Ordinal);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
    }

    [Theory]
    [InlineData("application/ecmascript")]
    [InlineData("text/javascript; charset=utf-8")]
    [InlineData("text/jscript")]
    [InlineData("TEXT/HTML")]
    [InlineData("application/xhtml+xml")]
    [InlineData("image/svg+xml")]
    [InlineData("multipart/x-mixed-replace")]
    [InlineData("application/x-made-up")]
    public void Download_TypeABrowserCouldRunOrDoesNotKnow_IsServedAsBytes(string declared) =>
        Assert.Equal("application/octet-stream", ClpMailGateway.Web.Conversations.ConversationEndpoints.SafeContentType(declared));

    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData("Application/PDF", "application/pdf")]
    [InlineData("text/plain; charset=utf-8", "text/plain")]
    public void Download_TypeShownAndNeverRun_KeepsItsType(string declared, string served) =>
        Assert.Equal(served, ClpMailGateway.Web.Conversations.ConversationEndpoints.SafeContentType(declared));

    [Fact]
    public async Task Conversation_ManyMessages_IsPagedNewestFirst()
    {
        var channel = ClpMailGateway.TestSupport.World.Channel(_title, "broadcast");
        for (var i = 1; i <= 35; i++)
        {
            await Scene.PostAsync(_app, _pm, channel, $"message number {i:00}");
        }

        var first = await _client.GetStringAsync(new Uri(Broadcast, UriKind.Relative));
        var older = System.Text.RegularExpressions.Regex.Match(first, "href=\"([^\"]+\\?before=\\d+)\"").Groups[1].Value;
        var second = await _client.GetStringAsync(new Uri(System.Net.WebUtility.HtmlDecode(older), UriKind.Relative));

        Assert.True(first.IndexOf("message number 35", StringComparison.Ordinal) < first.IndexOf("message number 34", StringComparison.Ordinal));
        Assert.DoesNotContain("message number 05", first, StringComparison.Ordinal);
        Assert.Contains("message number 05", second, StringComparison.Ordinal);
        Assert.Contains("message number 01", second, StringComparison.Ordinal);
        Assert.DoesNotContain("message number 06", second, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?before=abc")]
    [InlineData("?before=-1")]
    [InlineData("?before=99999999999999999999999")]
    public async Task Conversation_OddPagingValue_ShowsAPage(string query)
    {
        var response = await _client.GetAsync(new Uri(Broadcast + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
