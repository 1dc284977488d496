using System.Text.Json.Nodes;
using MlNetLstm.Cli.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MlNetLstm.Orleans.Tests;

/// <summary>The CLI's universe backtest (in-process and on a silo started as `serve` starts it) and its errors.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetlstm-universe-").FullName;

    public CliTests()
    {
        for (int k = 0; k < 3; k++)
        {
            double[] r = Series.Garch(700, seed: 300 + k);
            File.WriteAllLines(Path.Combine(_dir, $"inst{k}.csv"), new[] { "date,ret" }.Concat(r.Select((x, i) => $"{Series.Day(i):yyyy-MM-dd},{x:R}")));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Backtest(BacktestCommand.Settings s)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BacktestCommand.Run(s, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private BacktestCommand.Settings Settings(string outName) => new()
    {
        Column = "ret",
        Models = ["garch", "ewma", "har"],
        Train = 300,
        Refit = 40,
        Threads = 1,
        Format = "json",
        Out = Path.Combine(_dir, outName),
    };

    /// <summary>The JSON without what depends on the clock (fit times, the hardware line).</summary>
    internal static JsonNode Comparable(string json)
    {
        var node = JsonNode.Parse(json)!;
        node.AsObject().Remove("hardware");
        foreach (var set in node["dataSets"]!.AsArray()) foreach (var m in set!["models"]!.AsArray()) m!.AsObject().Remove("fitSeconds");
        foreach (var m in node["models"]!.AsArray()) m!.AsObject().Remove("fitSeconds");
        return node;
    }

    [Fact]
    public void Universe_in_process_gives_each_series_the_tables_and_json_of_its_own_backtest()
    {
        var universe = Backtest(Settings("u") with { Universe = _dir });
        universe.Code.Should().Be(0, universe.Err);
        var sets = JsonNode.Parse(universe.Out)!["dataSets"]!.AsArray();
        sets.Select(x => (string)x!["dataSet"]!).Should().Equal("inst0.csv [ret]", "inst1.csv [ret]", "inst2.csv [ret]");
        for (int k = 0; k < 3; k++)
        {
            var alone = Backtest(Settings($"a{k}") with { Data = Path.Combine(_dir, $"inst{k}.csv") });
            alone.Code.Should().Be(0, alone.Err);
            var one = Comparable(alone.Out)["dataSets"]![0]!;
            JsonNode.DeepEquals(Comparable(universe.Out)["dataSets"]![k], one).Should().BeTrue($"series {k}: {one.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Universe_on_a_served_silo_gives_the_same_json_as_in_process()
    {
        // The silo's cluster id and service id are not the defaults: backtest names the cluster id (--cluster-id), and the gateway admits
        // a client by the cluster id alone, so backtest needs no --service-id. A client naming another cluster id is not admitted.
        int silo2 = PostgresServer.FreePort(), gateway2 = PostgresServer.FreePort();
        using IHost served = await ServiceHost.BuildSilo(new SiloSettings
        {
            SiloPort = silo2, GatewayPort = gateway2, ClusterId = "desk-c", ServiceId = "desk-u", LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        });
        await served.StartAsync();
        try
        {
            var wrong = Backtest(Settings("wrong") with { Universe = _dir, Cluster = $"localhost:{gateway2}" });
            wrong.Code.Should().Be(2);
            wrong.Err.Should().Contain($"--cluster localhost:{gateway2}").And.Contain("No silo of cluster 'mlnetlstm'");
            var cluster = Backtest(Settings("cluster") with { Universe = _dir, Cluster = $"localhost:{gateway2}", ClusterId = "desk-c" });
            cluster.Code.Should().Be(0, cluster.Err);
            var local = Backtest(Settings("local2") with { Universe = _dir });
            JsonNode.DeepEquals(Comparable(cluster.Out), Comparable(local.Out)).Should().BeTrue();
            JsonNode.Parse(cluster.Out)!["hardware"]!.ToString().Should().Contain($"cluster localhost:{gateway2}");
            File.Exists(Path.Combine(_dir, "cluster", "report.html")).Should().BeTrue();
        }
        finally
        {
            await served.StopAsync();
        }
    }

    [Fact]
    public void Errors_name_the_option_and_exit_non_zero()
    {
        Backtest(Settings("e1") with { Cluster = "localhost" }).Err.Should().Contain("--cluster needs --universe");
        Backtest(Settings("e2") with { Universe = Path.Combine(_dir, "missing") }).Err.Should().Contain("--universe: folder");
        Backtest(Settings("e3") with { Universe = _dir, Data = Path.Combine(_dir, "inst0.csv") }).Err.Should().Contain("--universe and --data");
        var down = Backtest(Settings("e4") with { Universe = _dir, Cluster = "Host=127.0.0.1;Port=1;Database=x;Username=u;Timeout=2" });
        down.Code.Should().Be(2);
        down.Err.Should().Contain("--cluster").And.Contain("PostgreSQL is unreachable at host '127.0.0.1', port 1");
        var noSilo = Backtest(Settings("e5") with { Universe = _dir, Cluster = $"localhost:{PostgresServer.FreePort()}" });
        noSilo.Code.Should().Be(2);
        noSilo.Err.Should().Contain("--cluster").And.Contain("No silo");
        var noId = Backtest(Settings("e6") with { Universe = _dir, Cluster = "localhost", ClusterId = " " });
        noId.Code.Should().Be(2);
        noId.Err.Should().Contain("--cluster-id is empty");
    }

    [Fact]
    public async Task Serve_refuses_to_start_when_the_database_is_unreachable()
    {
        var err = new StringWriter();
        int code = await ServeCommand.RunAsync(new ServeCommand.Settings { Storage = "postgres", Connection = "Host=127.0.0.1;Port=1;Database=x;Username=u;Timeout=2" }, err, CancellationToken.None);
        code.Should().Be(2);
        err.ToString().Should().Contain("--connection: PostgreSQL is unreachable at host '127.0.0.1', port 1, database 'x'");
        err = new StringWriter();
        (await ServeCommand.RunAsync(new ServeCommand.Settings { Storage = "postgres" }, err, CancellationToken.None)).Should().Be(2);
        err.ToString().Should().Contain("--connection is required");
    }

    [Fact]
    public async Task Serve_rejects_an_empty_service_id_or_cluster_id_naming_the_option()
    {
        var clusterErr = new StringWriter();
        (await ServeCommand.RunAsync(new ServeCommand.Settings { ClusterId = " " }, clusterErr, CancellationToken.None)).Should().Be(2);
        clusterErr.ToString().Should().Contain("error: --cluster-id is empty");
        var noCluster = async () => await ServiceHost.BuildSilo(new SiloSettings { ClusterId = "" });
        (await noCluster.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("SiloSettings.ClusterId");
        foreach (string id in new[] { "", "   " })
        {
            var err = new StringWriter();
            (await ServeCommand.RunAsync(new ServeCommand.Settings { ServiceId = id }, err, CancellationToken.None)).Should().Be(2);
            err.ToString().Should().Contain("error: --service-id is empty");
        }
        // The option reaches the settings: its default, and a value given on the command line.
        ServeCommand.Create().Parse([]).GetValue<string>("--service-id").Should().Be(SiloSettings.DefaultServiceId);
        ServeCommand.Create().Parse(["--service-id", "desk-a"]).GetValue<string>("--service-id").Should().Be("desk-a");
        var direct = async () => await ServiceHost.BuildSilo(new SiloSettings { ServiceId = " " });
        (await direct.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("SiloSettings.ServiceId");
    }

    [Fact]
    public async Task A_second_serve_silo_joins_the_primary_on_this_machine_and_the_universe_runs_on_both()
    {
        int silo1 = PostgresServer.FreePort(), gateway1 = PostgresServer.FreePort(), silo2 = PostgresServer.FreePort(), gateway2 = PostgresServer.FreePort();
        var log = Microsoft.Extensions.Logging.LogLevel.Warning;
        using IHost primary = await ServiceHost.BuildSilo(new SiloSettings { SiloPort = silo1, GatewayPort = gateway1, ClusterId = "pair", LogLevel = log });
        await primary.StartAsync();
        using IHost second = await ServiceHost.BuildSilo(new SiloSettings { SiloPort = silo2, GatewayPort = gateway2, PrimarySiloPort = silo1, ClusterId = "pair", LogLevel = log });
        await second.StartAsync();
        try
        {
            using (IHost client = await ServiceHost.ConnectClient($"localhost:{gateway2}", "pair"))
            {
                var management = client.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
                var hosts = await management.GetHosts(onlyActive: true);
                hosts.Keys.Select(h => h.Endpoint.Port).Should().BeEquivalentTo([silo1, silo2]);
            }
            var cluster = Backtest(Settings("pair") with { Universe = _dir, Cluster = $"localhost:{gateway2}", ClusterId = "pair" });
            cluster.Code.Should().Be(0, cluster.Err);
            var local = Backtest(Settings("pair-local") with { Universe = _dir });
            JsonNode.DeepEquals(Comparable(cluster.Out), Comparable(local.Out)).Should().BeTrue();
        }
        finally
        {
            await second.StopAsync();
            await primary.StopAsync();
        }
        var err = new StringWriter();
        (await ServeCommand.RunAsync(new ServeCommand.Settings { Membership = "postgres", Connection = "Host=x", PrimarySiloPort = 11111 }, err, CancellationToken.None)).Should().Be(2);
        err.ToString().Should().Contain("--primary-silo-port applies to --membership localhost only");
        ServeCommand.Create().Parse(["--primary-silo-port", "12345"]).GetValue<int?>("--primary-silo-port").Should().Be(12345);
    }
}
