using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ClpMailGateway.Web.Tests.Support;

/// <summary>Tests of the web as a connection from a given address reaches it (<see cref="RemoteAddress"/>), each owning
/// the app it starts.</summary>
public abstract class RemoteClientTests : IAsyncDisposable
{
    private WebApp? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The web as a connection from <paramref name="client"/> reaches it.</summary>
    protected async Task<WebApp> StartAsync(string client, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _app = await WebApp.StartAsync(settings: settings, configure: builder => builder.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse(client)))));
        return _app;
    }
}
