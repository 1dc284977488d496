using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Commands;
using Npgsql;
using Orleans.Runtime;

namespace MlNetLstm.Orleans.Tests;

/// <summary>
/// The CLI end to end with PostgreSQL membership: two `mlnetlstm serve --membership postgres --storage postgres` processes on
/// different ports find each other through a fresh database (no script run on it), and `backtest --universe ... --cluster
/// CONNECTION` finds them there and gives the JSON of the in-process run; after one silo is stopped (SIGTERM) its row says Dead and
/// the other silo alone still serves the backtest. Its own server.
/// </summary>
public sealed class MembershipCliTests : IAsyncLifetime
{
    private readonly PostgresServer _pg = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetlstm-member-cli-").FullName;
    private readonly List<Process> _serves = [];

    public async Task InitializeAsync()
    {
        await _pg.InitializeAsync();
        for (int k = 0; k < 3; k++)
        {
            double[] r = Series.Garch(500, seed: 700 + k);
            File.WriteAllLines(Path.Combine(_dir, $"inst{k}.csv"), new[] { "date,ret" }.Concat(r.Select((x, i) => $"{Series.Day(i):yyyy-MM-dd},{x:R}")));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _serves)
        {
            try { if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(30_000); } }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
        await _pg.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    /// <summary>Starts `mlnetlstm serve` as a process of its own and returns once it reports the silo up (its stderr so far on failure).</summary>
    private async Task<(Process Process, StringBuilder Err)> Serve(int siloPort, int gatewayPort)
    {
        var psi = new ProcessStartInfo(DotnetHost()) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "MlNetLstm.Cli.dll"), "serve", "--storage", "postgres", "--membership", "postgres",
                     "--connection", _pg.ConnectionString, "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--log-level", "warning" })
            psi.ArgumentList.Add(a);
        var err = new StringBuilder();
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (err) err.AppendLine(e.Data);
            if (e.Data.Contains("silo up", StringComparison.Ordinal)) up.TrySetResult();
        };
        p.OutputDataReceived += (_, _) => { };
        p.Exited += (_, _) => up.TrySetResult();
        p.Start();
        _serves.Add(p);
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        var done = await Task.WhenAny(up.Task, Task.Delay(TimeSpan.FromSeconds(120)));
        lock (err)
        {
            if (done != up.Task || p.HasExited) throw new InvalidOperationException($"serve on ports {siloPort}/{gatewayPort} did not come up: {err}");
        }
        return (p, err);
    }

    private async Task<Dictionary<int, SiloStatus>> StatusByPort()
    {
        await using var c = new NpgsqlConnection(_pg.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT port, status FROM {PostgresMembershipTable.TableName} WHERE cluster_id = 'mlnetlstm'", c);
        var result = new Dictionary<int, SiloStatus>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result.Add(r.GetInt32(0), Enum.Parse<SiloStatus>(r.GetString(1)));
        return result;
    }

    private (int Code, string Out, string Err) Backtest(string outName, string? cluster)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = BacktestCommand.Run(new BacktestCommand.Settings
        {
            Column = "ret", Models = ["garch", "ewma", "har"], Train = 300, Refit = 50, Threads = 1, Format = "json",
            Out = Path.Combine(_dir, outName), Universe = _dir, Cluster = cluster,
        }, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Two_serve_processes_with_postgres_membership_serve_a_universe_backtest_found_through_the_connection_string()
    {
        int silo1 = PostgresServer.FreePort(), gateway1 = PostgresServer.FreePort(), silo2 = PostgresServer.FreePort(), gateway2 = PostgresServer.FreePort();
        var first = await Serve(silo1, gateway1);
        var second = await Serve(silo2, gateway2);
        (await StatusByPort()).Should().BeEquivalentTo(new Dictionary<int, SiloStatus> { [silo1] = SiloStatus.Active, [silo2] = SiloStatus.Active });

        var local = Backtest("local", cluster: null);
        local.Code.Should().Be(0, local.Err);
        var onCluster = Backtest("cluster", _pg.ConnectionString);
        onCluster.Code.Should().Be(0, onCluster.Err);
        JsonNode.DeepEquals(CliTests.Comparable(onCluster.Out), CliTests.Comparable(local.Out)).Should().BeTrue();
        JsonNode.Parse(onCluster.Out)!["hardware"]!.ToString().Should().Contain($"cluster PostgreSQL 127.0.0.1:{_pg.Port}/mlnetlstm");

        // SIGTERM: the second silo leaves the cluster as `serve` stops on Ctrl+C, and writes itself Dead on the way out.
        using (var kill = Process.Start("kill", ["-TERM", $"{second.Process.Id}"])) await kill.WaitForExitAsync();
        second.Process.WaitForExit(60_000).Should().BeTrue("serve stops within 60 s of SIGTERM");
        second.Process.ExitCode.Should().Be(0, second.Err.ToString());
        (await StatusByPort()).Should().BeEquivalentTo(new Dictionary<int, SiloStatus> { [silo1] = SiloStatus.Active, [silo2] = SiloStatus.Dead });

        var oneSilo = Backtest("cluster1", _pg.ConnectionString);
        oneSilo.Code.Should().Be(0, oneSilo.Err);
        JsonNode.DeepEquals(CliTests.Comparable(oneSilo.Out), CliTests.Comparable(local.Out)).Should().BeTrue();
        first.Process.HasExited.Should().BeFalse(first.Err.ToString());
    }
}
