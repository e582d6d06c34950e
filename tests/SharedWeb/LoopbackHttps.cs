using System.Net;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KpiFunctions.Tests.Shared;

/// <summary>
/// The https fakes of Azure and Power BI APIs the test projects with ASP.NET Core run (linked into those only): a
/// Kestrel app on 127.0.0.1, an ephemeral port and a self-signed certificate.
/// </summary>
internal static class LoopbackHttps
{
    /// <summary>Starts an app whose endpoints <paramref name="map"/> adds; returns it and its base address.</summary>
    public static async Task<(WebApplication App, Uri Uri)> StartAsync(X509Certificate2 certificate, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return (app, new Uri($"https://127.0.0.1:{address.Port}"));
    }
}

/// <summary>A credential handing out a fake's token for one scope (it never calls Microsoft Entra ID).</summary>
internal sealed class StaticToken(string token, string scope) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Assert.Equal([scope], requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
}
