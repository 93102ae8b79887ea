using ClpMailGateway.Hosting;
using ClpMailGateway.Storage;
using ClpMailGateway.Web.Home;
using Microsoft.Extensions.Configuration.Memory;

var builder = WebApplication.CreateBuilder(args);

// The gateway's built-in defaults sit below appsettings.json and the environment, so both executables share one database.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = GatewayConfiguration.Defaults });
builder.Services.AddGatewayCore(builder.Configuration);
builder.Services.AddHostedService<MigrationHostedService>();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHome();
app.Run();

/// <summary>Entry point, public for WebApplicationFactory in tests.</summary>
public partial class Program;
