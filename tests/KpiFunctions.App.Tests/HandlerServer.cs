using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KpiFunctions.App.Tests;

/// <summary>The custom handler on a free 127.0.0.1 port over real HTTP, as the host would call it.</summary>
internal sealed class HandlerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HandlerServer(WebApplication app, AppServices services, Uri baseUri)
    {
        _app = app;
        Services = services;
        Client = new HttpClient { BaseAddress = baseUri };
    }

    public AppServices Services { get; }

    public HttpClient Client { get; }

    public static async Task<HandlerServer> StartAsync(IReadOnlyDictionary<string, string> settings, TimeProvider time, Func<Sources.IStoreSource, Sources.IStoreSource>? decorateSource = null)
    {
        var services = new AppServices(name => settings.GetValueOrDefault(name), time, decorateSource);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        Handler.Map(app, services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HandlerServer(app, services, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        Services.Dispose();
    }
}
