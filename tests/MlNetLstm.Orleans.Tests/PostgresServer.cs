using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MlNetLstm.Orleans.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started on a free port (as the postgres user when
/// the tests run as root, since postgres refuses to run as root), one database, stopped and deleted on dispose. Fails with the
/// install command when PostgreSQL is missing.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _dir = "", _bin = "";
    private bool _asPostgresUser;

    public string ConnectionString { get; private set; } = "";

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH); these tests start a throwaway PostgreSQL server: " +
            "install it with `apt-get install postgresql` (or set MLNETLSTM_PG_BIN to the folder holding initdb and pg_ctl).");
        _asPostgresUser = Environment.UserName == "root";
        _dir = Path.Combine(Path.GetTempPath(), $"mlnetlstm-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_dir);
        if (_asPostgresUser) Run("chown", $"postgres \"{_dir}\"", asPostgres: false);
        string data = Path.Combine(_dir, "data");
        Run(Path.Combine(_bin, "initdb"), $"-D \"{data}\" -A trust -U postgres -E UTF8 --no-sync", asPostgres: _asPostgresUser);
        // A free port is found by binding port 0 and letting it go, so another process can take it before the server binds it:
        // the start is retried on a new port when the server could not bind (its log says so).
        for (int attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                Start();
                break;
            }
            catch (InvalidOperationException) when (attempt < 5 && ReadLog().Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", Pooling = false };
        await using (var c = new NpgsqlConnection(admin.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE DATABASE mlnetlstm", c);
            await cmd.ExecuteNonQueryAsync();
        }
        // Application Name makes the connection string (and so Npgsql's pool) this server's own, even if a later server of the test
        // run is given the same port: clearing or breaking one server's pool never touches another's.
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "mlnetlstm", MaxPoolSize = 50,
            ApplicationName = "mlnetlstm-tests-" + Path.GetFileName(_dir),
        }.ConnectionString;
    }

    private string ReadLog()
    {
        try { return File.ReadAllText(Path.Combine(_dir, "log")); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>
    /// Starts the server (again) on the same port; returns when it accepts connections (pg_ctl -w waits for the server to report
    /// itself ready).
    /// </summary>
    public void Start() =>
        Run(Path.Combine(_bin, "pg_ctl"), $"-D \"{Path.Combine(_dir, "data")}\" -l \"{Path.Combine(_dir, "log")}\" -w -t 60 -o \"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200\" start", asPostgres: _asPostgresUser);

    /// <summary>
    /// Stops the server (a database outage): a fast shutdown, which ends the open sessions; returns once the server process has exited,
    /// so no statement sent after this returns can be executed. This server's connection pool is cleared (only its own: other test
    /// classes run their own servers at the same time).
    /// </summary>
    /// <param name="clearPool">Clear this server's Npgsql pool (false: leave its idle connections to the stopped server in it, as a
    /// process that did not notice the restart would).</param>
    public void Stop(bool clearPool = true)
    {
        Run(Path.Combine(_bin, "pg_ctl"), $"-D \"{Path.Combine(_dir, "data")}\" -m fast -w -t 60 stop", asPostgres: _asPostgresUser);
        if (clearPool) ClearPool();
    }

    private void ClearPool()
    {
        if (ConnectionString.Length == 0) return;
        using var c = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(c);
    }

    public Task DisposeAsync()
    {
        ClearPool();
        try
        {
            if (File.Exists(Path.Combine(_dir, "data", "postmaster.pid")))
                Run(Path.Combine(_bin, "pg_ctl"), $"-D \"{Path.Combine(_dir, "data")}\" -m immediate -w stop", asPostgres: _asPostgresUser);
        }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return Task.CompletedTask;
    }

    private static string? FindBin()
    {
        if (Environment.GetEnvironmentVariable("MLNETLSTM_PG_BIN") is { Length: > 0 } env && File.Exists(Path.Combine(env, "initdb"))) return env;
        if (Directory.Exists("/usr/lib/postgresql"))
            foreach (string v in Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int n) ? n : 0))
                if (File.Exists(Path.Combine(v, "bin", "initdb"))) return Path.Combine(v, "bin");
        foreach (string p in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (p.Length > 0 && File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl"))) return p;
        return null;
    }

    /// <summary>A TCP port on the loopback interface that is free now (the OS picks it).</summary>
    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void Run(string file, string args, bool asPostgres)
    {
        var psi = asPostgres ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {args}") : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException($"{file} {args} did not finish in 120 s."); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed (exit {p.ExitCode}): {stderr} {stdout.Result}");
    }
}
