using ClpMailGateway.Hosting;
using ClpMailGateway.Posting;
using ClpMailGateway.Storage;
using ClpMailGateway.Telemetry;
using ClpMailGateway.Tokens;
using ClpMailGateway.Web;
using ClpMailGateway.Web.Admin;
using ClpMailGateway.Web.Api;
using ClpMailGateway.Web.Conversations;
using ClpMailGateway.Web.Home;
using ClpMailGateway.Web.Layout;
using ClpMailGateway.Web.Quarantine;
using ClpMailGateway.Web.Search;
using ClpMailGateway.Web.Settings;
using ClpMailGateway.Web.SignIn;
using ClpMailGateway.Web.Unsubscribe;
using ClpMailGateway.Web.Hosting;
using ClpMailGateway.Web.Localization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration.Memory;

// The application's own folder is the content root, whatever the working folder: its appsettings.json (log levels
// included) is read wherever the web is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddGatewayConsole();

// The gateway's built-in defaults sit below appsettings.json and the environment, so both executables share one database.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = GatewayConfiguration.Defaults });
builder.Services.AddGatewayCore(builder.Configuration);
builder.AddGatewayTelemetry("clp-mail-web");
builder.Services.AddHostedService<MigrationHostedService>();
builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
// Unsubscribe links are signed with the reply-token keys: without them the web does not start.
builder.Services.AddOptions<ReplyTokenOptions>().ValidateOnStart();
builder.Services.AddOptions<ClpMailGateway.Outbound.NotificationOptions>().ValidateOnStart();

// Bodies are small (WebSecurity.SmallBodyBytes) except on the posting endpoint, which raises its own limit.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = WebSecurity.SmallBodyBytes);
builder.Services.Configure<FormOptions>(form =>
{
    form.MultipartBodyLengthLimit = ConversationEndpoints.MaxUploadBytes;
    form.ValueCountLimit = 200;
});
builder.AddWebSecurity();
// Keys that sign cookies and antiforgery tokens live in the shared database: whichever web process made a cookie, any
// other accepts it.
builder.Services.AddDataProtection().SetApplicationName("clp-mail-gateway").PersistKeysToDbContext<GatewayDbContext>();
builder.Services.AddSingleton<SignInMailer>();
builder.Services.AddSingleton<SignInMetrics>();
builder.Services.AddHostedService(s => s.GetRequiredService<SignInMailer>());

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
{
    cookie.LoginPath = "/signin";
    cookie.LogoutPath = "/signout";
    cookie.Cookie.Name = "clp.session";
    cookie.Cookie.HttpOnly = true;
    cookie.Cookie.SameSite = SameSiteMode.Lax;
    cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
    cookie.SlidingExpiration = true;
    WebSecurity.ConfigureSession(cookie);
});
builder.Services.AddAdminPolicy();
ClpMailGateway.Health.HealthEndpoints.AddWebHealthChecks(builder.Services);
builder.Services.AddRazorComponents();
builder.Services.AddSingleton<SiteAssets>();
builder.Services.AddWebLocalization();
// Letters of every script stay readable in the page source; markup characters are always encoded.
builder.Services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
// The build's static web assets manifest, when there is one (running from the build folder); a published app has its
// wwwroot beside it.
builder.WebHost.UseStaticWebAssets();
builder.AddSyncApi();
builder.Services.AddAntiforgery(antiforgery =>
{
    antiforgery.Cookie.Name = "clp.antiforgery";
    antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});

var app = builder.Build();
app.UseWebSecurity();
app.UseHtmlExceptionPage();
app.UseWebLocalization();
app.UseSecurityHeaders();
app.UseHtmlStatusPages();
app.UseApiProblems();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapSiteAssets();
app.MapMetrics();
app.MapHome();
app.MapSignIn();
app.MapUnsubscribe();
app.MapSyncApi();
app.MapAddressVerification();
var signedIn = app.MapGroup(string.Empty).RequireAuthorization().RequireAntiforgeryOnEveryPost();
signedIn.MapTitles();
signedIn.MapConversations();
signedIn.MapFollowing();
signedIn.MapSearch();
signedIn.MapSettings();
signedIn.MapAddresses();
var admin = signedIn.MapGroup(string.Empty).RequireAuthorization(AdminPolicy.Name);
admin.MapQuarantine();
admin.MapAdministration();

// A database the web cannot write stops it with one line, before it serves a page that would fail.
try
{
    await StartupChecks.EnsureDatabaseWritableAsync(app.Services.GetRequiredService<DatabaseSettings>(), CancellationToken.None);
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
