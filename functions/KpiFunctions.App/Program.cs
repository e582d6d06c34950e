using KpiFunctions.App;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Composition only: the functions are thin shells over the orchestrator, the activities and the API's handlers.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(services => new AppServices(Environment.GetEnvironmentVariable, services.GetRequiredService<TimeProvider>()));
await builder.Build().RunAsync().ConfigureAwait(false);
