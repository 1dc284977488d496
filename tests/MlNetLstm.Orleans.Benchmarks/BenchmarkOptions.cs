using System.Globalization;

namespace MlNetLstm.Orleans.Benchmarks;

/// <summary>The benchmark's command line (see <see cref="Program"/>).</summary>
internal sealed record BenchmarkOptions
{
    /// <summary>PostgreSQL connection string: the instrument streams also run with state in PostgreSQL (null: memory only).</summary>
    public string? Postgres { get; init; }

    /// <summary>Process id of the PostgreSQL server's postmaster, to measure the server's CPU (null: not measured).</summary>
    public int? PostgresPid { get; init; }

    /// <summary>GARCH(1,1) instruments of the stream measurement (and of the memory per instrument).</summary>
    public int Instruments { get; init; } = 200;

    /// <summary>Training window (returns) of the GARCH instruments; the whole state, this window included, is written on every observation.</summary>
    public int GarchWindow { get; init; } = 500;

    /// <summary>One-network lstm-regime instruments of the stream measurement.</summary>
    public int LstmInstruments { get; init; } = 8;

    /// <summary>Observations per instrument, sent one call each and then again in batches of 20.</summary>
    public int Observations { get; init; } = 200;

    /// <summary>Series of the universe backtest.</summary>
    public int Series { get; init; } = 48;

    /// <summary>Returns per series.</summary>
    public int Returns { get; init; } = 1250;

    /// <summary>Rolling training window of the universe backtest.</summary>
    public int Train { get; init; } = 1000;

    /// <summary>Refit every this many returns in the universe backtest.</summary>
    public int Refit { get; init; } = 10;

    /// <summary>Timed runs of the universe backtest per configuration.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Core of the client process in scale-out mode (null: the last core, 1 on a 2-core machine).</summary>
    public int? ClientCore { get; init; }

    /// <summary>Minimum thread-pool threads of each silo process in scale-out mode (null: .NET's default, one per core).</summary>
    public int? SiloMinThreads { get; init; }

    /// <summary>Run the instrument streams.</summary>
    public bool Streams { get; init; } = true;

    /// <summary>Run the universe backtest.</summary>
    public bool Universe { get; init; } = true;

    /// <summary>Parses <c>--name value</c> pairs and the flags <c>--no-streams</c>, <c>--no-universe</c>; throws <see cref="ArgumentException"/> naming a bad option.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchmarkOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--no-streams") { o = o with { Streams = false }; continue; }
            if (name == "--no-universe") { o = o with { Universe = false }; continue; }
            if (i + 1 >= args.Count) throw new ArgumentException($"{name}: a value is missing.");
            string value = args[++i];
            int Positive()
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                    throw new ArgumentException($"{name}: '{value}' is not a positive whole number.");
                return n;
            }
            o = name switch
            {
                "--pg" => o with { Postgres = value },
                "--pg-pid" => o with { PostgresPid = Positive() },
                "--garch-window" => o with { GarchWindow = Positive() },
                "--instruments" => o with { Instruments = Positive() },
                "--lstm-instruments" => o with { LstmInstruments = Positive() },
                "--observations" => o with { Observations = Positive() },
                "--series" => o with { Series = Positive() },
                "--returns" => o with { Returns = Positive() },
                "--train" => o with { Train = Positive() },
                "--refit" => o with { Refit = Positive() },
                "--silo-min-threads" => o with { SiloMinThreads = Positive() },
                "--repeat" => o with { Repeat = Positive() },
                "--client-core" => o with { ClientCore = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c
                    : throw new ArgumentException($"--client-core: '{value}' is not a core number.") },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        if (o.Returns < o.Train + 2 * o.Refit)
            throw new ArgumentException($"--returns {o.Returns}: needs at least --train + 2 x --refit = {o.Train + 2 * o.Refit}.");
        return o;
    }

    /// <summary>The universe backtest these options describe.</summary>
    public SeriesBacktestRequest[] UniverseRequests() => Workload.Universe(Series, Returns, Train, Refit);

    /// <summary>One line describing the universe.</summary>
    public string UniverseLine() => string.Create(CultureInfo.InvariantCulture,
        $"universe backtest: {Series} series x garch, gjr, ewma, har; {Returns} returns each, rolling window {Train}, refit every {Refit} " +
        $"({Series * ((Returns - Train + Refit - 1) / Refit) * 4:N0} fits); {Repeat} timed runs after a warm-up");
}
