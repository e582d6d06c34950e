using KpiFunctions.App;

// The Functions host starts this executable and calls it on 127.0.0.1:FUNCTIONS_CUSTOMHANDLER_PORT (digest A3).
var port = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } p ? p : "7072";
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
using var services = new AppServices(Environment.GetEnvironmentVariable, TimeProvider.System);
var app = builder.Build();
Handler.Map(app, services);
await app.RunAsync().ConfigureAwait(false);
