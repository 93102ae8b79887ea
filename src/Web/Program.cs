using ClpMailGateway.Hosting;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Tokens;
using ClpMailGateway.Web;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Home;
using ClpMailGateway.Web.Layout;
using ClpMailGateway.Web.Quarantine;
using ClpMailGateway.Web.Search;
using ClpMailGateway.Web.Settings;
using ClpMailGateway.Web.SignIn;
using ClpMailGateway.Web.Unsubscribe;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration.Memory;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddGatewayConsole();

// The gateway's built-in defaults sit below appsettings.json and the environment, so both executables share one database.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = GatewayConfiguration.Defaults });
builder.Services.AddGatewayCore(builder.Configuration);
builder.Services.AddHostedService<MigrationHostedService>();
builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
// Unsubscribe links are signed with the reply-token keys: without them the web does not start.
builder.Services.AddOptions<ReplyTokenOptions>().ValidateOnStart();

// An upload of up to 20 files of 10 MB reaches the handler, so a file over the limit gets a message naming it
// instead of a bare 413; the form reader buffers large files on disk.
const long MaxUploadBytes = (PostingLimits.MaxAttachments * (PostingLimits.MaxAttachmentBytes + (1024 * 1024))) + (1024 * 1024);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxUploadBytes);
builder.Services.Configure<FormOptions>(form =>
{
    form.MultipartBodyLengthLimit = MaxUploadBytes;
    form.ValueCountLimit = 200;
});

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
{
    cookie.LoginPath = "/signin";
    cookie.LogoutPath = "/signout";
    cookie.Cookie.Name = "clp.session";
    cookie.Cookie.HttpOnly = true;
    cookie.Cookie.SameSite = SameSiteMode.Lax;
    cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
    cookie.SlidingExpiration = true;
});
builder.Services.AddAuthorization();
builder.Services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = "clp.antiforgery");

var app = builder.Build();
app.UseHtmlExceptionPage();
app.UseSecurityHeaders();
app.UseHtmlStatusPages();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapAssets();
app.MapHome();
app.MapSignIn();
app.MapUnsubscribe();
var signedIn = app.MapGroup(string.Empty).RequireAuthorization();
signedIn.MapTitles();
signedIn.MapConversations();
signedIn.MapSearch();
signedIn.MapSettings();
signedIn.MapQuarantine();

// A database the web cannot write stops it with one line, before it serves a page that would fail.
try
{
    await StartupChecks.EnsureDatabaseWritableAsync(app.Services.GetRequiredService<GatewayConnectionString>().Value, CancellationToken.None);
}
catch (StartupCheckException ex)
{
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 1;
}

await app.RunAsync();
return 0;

/// <summary>Entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
