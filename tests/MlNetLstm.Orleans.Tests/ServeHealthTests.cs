using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MlNetLstm.Orleans.Tests;

/// <summary>A silo as `mlnetlstm serve --storage postgres --health-port P` starts it: its health endpoint follows the database.</summary>
public sealed class ServeHealthTests : IAsyncLifetime
{
    private readonly PostgresServer _pg = new();

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    /// <summary>GET /health, waiting for the endpoint to listen (it starts with the host, in the background).</summary>
    private static async Task<(HttpStatusCode Code, JsonNode Body)> Health(HttpClient http, int port)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://localhost:{port}/health"));
                return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
            }
            catch (HttpRequestException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task Health_is_200_with_the_database_up_and_503_naming_the_server_while_it_is_down()
    {
        int health = PostgresServer.FreePort();
        using IHost silo = await ServiceHost.BuildSilo(new SiloSettings
        {
            Storage = StateStorage.Postgres,
            ConnectionString = _pg.ConnectionString,
            SiloPort = PostgresServer.FreePort(),
            GatewayPort = PostgresServer.FreePort(),
            HealthPort = health,
            ServiceId = "desk-h",
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        });
        await silo.StartAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var (code, body) = await Health(http, health);
            code.Should().Be(HttpStatusCode.OK);
            ((string)body["status"]!).Should().Be("ok");
            ((string)body["storage"]!).Should().Be("postgres");
            ((string)body["database"]!).Should().Be("reachable");
            ((string)body["serviceId"]!).Should().Be("desk-h");
            // The silo's grain storage keeps its rows under the service id it was given.
            var storage = (PostgresGrainStorage)silo.Services.GetRequiredKeyedService<global::Orleans.Storage.IGrainStorage>(Hosting.StorageName);
            storage.ServiceId.Should().Be("desk-h");

            // Stopped without clearing Npgsql's pool (as a restart nobody announces): the pool keeps connections to the old server
            // process, and the health check must not take one of those for the server's state once it is back.
            _pg.Stop(clearPool: false);
            (code, body) = await Health(http, health);
            code.Should().Be(HttpStatusCode.ServiceUnavailable);
            ((string)body["status"]!).Should().Be("degraded");
            ((string)body["database"]!).Should().Contain($"PostgreSQL is unreachable at host '127.0.0.1', port {_pg.Port}, database 'mlnetlstm'");

            _pg.Start();
            (code, body) = await Health(http, health);
            code.Should().Be(HttpStatusCode.OK, body.ToJsonString());
            ((string)body["status"]!).Should().Be("ok");
        }
        finally
        {
            await silo.StopAsync();
        }
    }
}
