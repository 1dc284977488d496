using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MlNetLstm.Cli.Backtest;
using MlNetLstm.Cli.Reports;
using MlNetLstm.Cli.Text;
using MlNetLstm.Data;
using MlNetLstm.Evaluation;
using MlNetLstm.Realized;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;
using Spectre.Console;

namespace MlNetLstm.Cli.Commands;

/// <summary>
/// <c>mlnetlstm backtest</c>: walk-forward volatility backtest of lstm-regime, lstm and the baselines on the bundled
/// real data (or a CSV), a loss table, Diebold-Mariano tests and an HTML report with SVG charts.
/// </summary>
internal static class BacktestCommand
{
    /// <summary>Settings of one run (the parsed command line).</summary>
    internal sealed record Settings
    {
        public string? Data { get; init; }
        public string? Column { get; init; }
        public string? DateColumn { get; init; }
        public string Input { get; init; } = "return";
        public int Horizon { get; init; } = 1;
        public bool DirectHeads { get; init; }
        public int Seeds { get; init; } = DefaultSeeds;
        public int? Train { get; init; }
        public int? Test { get; init; }
        public int Refit { get; init; } = DefaultRefit;
        public int Seed { get; init; } = LstmVolatilityOptions.DefaultSeed;
        public int Threads { get; init; } = Environment.ProcessorCount;
        public string Out { get; init; } = "mlnetlstm-backtest";
        public string Format { get; init; } = "table";
        public string[]? Models { get; init; }
        public string[]? Exogenous { get; init; }
        public bool GarchFeature { get; init; } = LstmVolatilityOptions.DefaultGarchFeature;
        public VolatilityAnchor Anchor { get; init; } = LstmVolatilityOptions.DefaultAnchor;
        public RegimeTermForm RegimeForm { get; init; } = LstmVolatilityOptions.DefaultRegimeForm;
        public bool AsymmetricInput { get; init; } = LstmVolatilityOptions.DefaultAsymmetricInput;
        public CorrectionShrinkage Shrinkage { get; init; } = LstmVolatilityOptions.DefaultShrinkage;
        public bool Intraday { get; init; }
        public string TimeZone { get; init; } = IntradaySessionOptions.DefaultTimeZone;
        public string Session { get; init; } = DefaultSession;
        public int MinReturns { get; init; } = IntradaySessionOptions.DefaultMinimumReturns;
        public bool Overnight { get; init; }
        public string Estimator { get; init; } = "rv";
        public int? EstimatorParameter { get; init; }
        public string? Universe { get; init; }
        public string? Cluster { get; init; }
        public string ClusterId { get; init; } = MlNetLstm.Orleans.SiloSettings.DefaultClusterId;
    }

    /// <summary>Default --session: the whole day.</summary>
    public const string DefaultSession = "00:00-24:00";

    /// <summary>
    /// The models of <c>--intraday</c>, in table order: the LSTMs on realized variance, HAR-RV and log-HAR on daily RV (the benchmark),
    /// GARCH and GJR on the daily close-to-close returns, EWMA on RV, and (opt-in) the return-only EWMA, HAR and SSA.
    /// </summary>
    public static readonly string[] IntradayModelNames = ["lstm-regime", "lstm", "har-rv", "log-har", "garch", "gjr", "ewma-rv", "ewma", "har", "ssa"];

    /// <summary>The default line-up of <c>--intraday</c>.</summary>
    public static readonly string[] IntradayDefaultModels = ["lstm-regime", "lstm", "har-rv", "log-har", "garch", "gjr", "ewma-rv"];

    /// <summary>Default refit interval (trading days).</summary>
    public const int DefaultRefit = 250;

    /// <summary>
    /// Default networks per LSTM model in the backtest: a five-seed ensemble. One fit's QLIKE moves with the seed by about as
    /// much as the differences the backtest is meant to measure (README); averaging five seeds removes most of that, whatever
    /// the series, for five times the fit time.
    /// </summary>
    public const int DefaultSeeds = 5;

    /// <summary>Default training window: min(2500, n / 2) returns.</summary>
    public const int DefaultMaxTrain = 2500;

    /// <summary>The models, in table order.</summary>
    public static readonly string[] ModelNames = ["lstm-regime", "lstm", "garch", "gjr", "ewma", "har", "ssa"];

    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "CSV file: an optional date column and a value column. Default: the bundled S&P 500 and DEM/GBP daily returns." };
        var column = new Option<string?>("--column") { Description = "Name of the value column (required with --data)." };
        var dateColumn = new Option<string?>("--date-column") { Description = "Name of the date column (default: a column named 'date', if any)." };
        var input = new Option<string>("--input") { Description = "Whether the column holds prices or returns.", DefaultValueFactory = _ => "return" };
        input.AcceptOnlyFromAmong("price", "return");
        var horizon = new Option<int>("--horizon")
        {
            Description = "Forecast horizon k in periods: each model's k-step forecast is compared with r²_{t+k}. The LSTMs' one-step " +
                          "correction fades at the anchor's persistence over the k steps, unless --direct-heads is given.",
            DefaultValueFactory = _ => 1,
        };
        var train = new Option<int?>("--train") { Description = "Training window (returns before the first forecast; rolling). Default min(2500, n/2)." };
        var test = new Option<int?>("--test") { Description = "Number of forecast origins. Default: to the end of the sample." };
        var refit = new Option<int>("--refit") { Description = "Refit every N origins.", DefaultValueFactory = _ => DefaultRefit };
        var seed = new Option<int>("--seed") { Description = "Random seed of the neural models.", DefaultValueFactory = _ => LstmVolatilityOptions.DefaultSeed };
        var threads = new Option<int>("--threads") { Description = "Worker threads (results do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var outDir = new Option<string>("--out") { Description = "Folder for report.html and results.json.", DefaultValueFactory = _ => "mlnetlstm-backtest" };
        var format = new Option<string>("--format") { Description = "Output format on stdout.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var models = new Option<string[]?>("--models") { Description = "Subset of models to run (default all: " + string.Join(", ", ModelNames) + "), or ARCH-type " +
            "specifications [mean:]process[-distribution], e.g. 'garch(2,1)', 'gjr(1,1,1)-t', 'egarch(1,1,1)-ged', 'ar(1):garch(1,1)-skewt' (quote the parentheses; ArchSpecification).", AllowMultipleArgumentsPerToken = true };

        var exog = new Option<string[]?>("--exog")
        {
            Description = "Exogenous columns of the --data file (for example implied volatility, volume or sentiment) fed to lstm-regime and lstm; " +
                          "row t is taken as known at the close of day t. The other models are univariate.",
            AllowMultipleArgumentsPerToken = true,
        };
        var directHeads = new Option<bool>("--direct-heads")
        {
            Description = "With --horizon k: give lstm-regime and lstm k direct heads (LstmVolatilityOptions.Horizons = min(k, " +
                          $"{BacktestModels.MaxHorizons(new LstmVolatilityOptions())})), each trained on its own horizon's target, instead of fading the one-step correction.",
        };
        var seedsOption = new Option<int>("--seeds")
        {
            Description = "Networks per LSTM model: N > 1 makes lstm-regime and lstm seed ensembles (seeds s..s+N-1, forecasts combined by their " +
                          $"geometric mean), N times the fit time; 1 fits one network per model. Default {DefaultSeeds}.",
            DefaultValueFactory = _ => DefaultSeeds,
        };
        var garchFeature = new Option<bool>("--garch-feature") { Description = "Hybrid LSTM-GARCH: feed a GARCH(1,1) forecast (fitted on each training window) to lstm-regime and lstm as an extra input." };
        var anchor = new Option<string>("--anchor")
        {
            Description = "Baseline forecast the LSTMs correct: ewma, garch (a GARCH(1,1) fitted on each training window), blend (the geometric mean of the two), gjr (a GJR-GARCH(1,1,1)) or selected (chosen per training window among ewma, garch and gjr by QLIKE on the window's last 20 %); garch, blend and gjr imply the GARCH-family input.",
            DefaultValueFactory = _ => LstmVolatilityOptions.DefaultAnchor.ToString().ToLowerInvariant(),
        };
        anchor.AcceptOnlyFromAmong("ewma", "garch", "blend", "gjr", "selected");
        var regimeForm = new Option<string>("--regime-form")
        {
            Description = "Regime term of lstm-regime's forget gate: absolute (beta |u_t|), relative (beta |u_t| / anchor volatility) or leverage (beta |u_t| - gamma u_t).",
            DefaultValueFactory = _ => FormName(LstmVolatilityOptions.DefaultRegimeForm),
        };
        regimeForm.AcceptOnlyFromAmong("absolute", "relative", "leverage");
        var asymmetric = new Option<bool>("--asymmetric-input") { Description = "Give lstm-regime and lstm the negative part of the return, max(-u_t, 0), as an extra input (leverage effect)." };
        var shrinkage = new Option<string>("--shrinkage")
        {
            Description = "Shrinkage of the LSTMs' correction toward the anchor: none, or validation (the correction's weight w in {0, .25, .5, .75, 1} " +
                          "chosen on each training window's validation tail; w = 0 falls back to the anchor alone).",
            DefaultValueFactory = _ => LstmVolatilityOptions.DefaultShrinkage.ToString().ToLowerInvariant(),
        };
        shrinkage.AcceptOnlyFromAmong("none", "validation");
        var intraday = new Option<bool>("--intraday")
        {
            Description = "The --data file holds intraday prices (with --input price and a time column): group them into trading days by --session, " +
                          "--time-zone and --min-returns, forecast the daily variance of close-to-close returns and evaluate against the daily realized " +
                          "variance RV (QLIKE and MSE, Patton-robust) instead of r². Models: HAR-RV and log-HAR on RV (the DM benchmark: har-rv), GARCH and GJR " +
                          "on daily returns, EWMA on RV, and the LSTMs with RV and its HAR components as inputs and RV as target.",
        };
        var timeZone = new Option<string>("--time-zone") { Description = "With --intraday: IANA time zone of --session (timestamps in the file are UTC, or carry their offset).", DefaultValueFactory = _ => IntradaySessionOptions.DefaultTimeZone };
        var session = new Option<string>("--session")
        {
            Description = "With --intraday: local session HH:MM-HH:MM; prices outside it are left out (counted). Open >= close wraps midnight " +
                          "(e.g. 17:00-17:00 for FX days cut at 17:00 New York: the day is the one on which the session closes).",
            DefaultValueFactory = _ => DefaultSession,
        };
        var minReturns = new Option<int>("--min-returns") { Description = "With --intraday: intraday returns a day needs to count; days with fewer are listed in the report and JSON.", DefaultValueFactory = _ => IntradaySessionOptions.DefaultMinimumReturns };
        var overnight = new Option<bool>("--overnight") { Description = "With --intraday: add the squared overnight return (previous close to the first price) to each day's RV, so that RV measures close-to-close variance." };
        var estimator = new Option<string>("--rv-estimator")
        {
            Description = "With --intraday: the daily measure: rv (sum of squared intraday returns), subsampled (average of the K offset sparse-grid RVs, " +
                          "K = --rv-parameter or round(m/13)) or kernel (Parzen realized kernel, bandwidth H = --rv-parameter or the BNHLS automatic rule).",
            DefaultValueFactory = _ => "rv",
        };
        estimator.AcceptOnlyFromAmong("rv", "subsampled", "kernel");
        var estimatorParameter = new Option<int?>("--rv-parameter") { Description = "With --rv-estimator subsampled: the step K; with kernel: the bandwidth H." };
        var universe = new Option<string?>("--universe")
        {
            Description = "Folder of CSV files, one series each (the --column of every file, an optional date column): a universe backtest, one table per " +
                          "series. Runs in this process unless --cluster names a running cluster.",
        };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "With --universe: fan the series out over a running Orleans cluster (`mlnetlstm serve`): localhost[:GATEWAY_PORT] or the " +
                          "PostgreSQL connection string of a cluster with PostgreSQL membership. Results are identical to running each series alone.",
        };
        var clusterId = new Option<string>("--cluster-id")
        {
            Description = "With --cluster: the cluster's id (serve --cluster-id).",
            DefaultValueFactory = _ => MlNetLstm.Orleans.SiloSettings.DefaultClusterId,
        };
        var command = new Command("backtest", "Walk-forward volatility backtest: lstm-regime and lstm against GARCH, GJR, EWMA, HAR and SSA, with an HTML report.");
        foreach (Option o in new Option[] { data, column, dateColumn, input, horizon, directHeads, seedsOption, train, test, refit, seed, threads, outDir, format, models, exog, garchFeature, anchor, regimeForm, asymmetric, shrinkage,
            intraday, timeZone, session, minReturns, overnight, estimator, estimatorParameter, universe, cluster, clusterId }) command.Options.Add(o);
        command.SetAction(pr => Run(new Settings
        {
            Data = pr.GetValue(data),
            Column = pr.GetValue(column),
            DateColumn = pr.GetValue(dateColumn),
            Input = pr.GetValue(input)!,
            Horizon = pr.GetValue(horizon),
            DirectHeads = pr.GetValue(directHeads),
            Seeds = pr.GetValue(seedsOption),
            Train = pr.GetValue(train),
            Test = pr.GetValue(test),
            Refit = pr.GetValue(refit),
            Seed = pr.GetValue(seed),
            Threads = pr.GetValue(threads),
            Out = pr.GetValue(outDir)!,
            Format = pr.GetValue(format)!,
            Models = pr.GetValue(models),
            Exogenous = pr.GetValue(exog),
            GarchFeature = pr.GetValue(garchFeature),
            Anchor = Enum.Parse<VolatilityAnchor>(pr.GetValue(anchor)!, ignoreCase: true),
            RegimeForm = ParseForm(pr.GetValue(regimeForm)!),
            AsymmetricInput = pr.GetValue(asymmetric),
            Shrinkage = Enum.Parse<CorrectionShrinkage>(pr.GetValue(shrinkage)!, ignoreCase: true),
            Intraday = pr.GetValue(intraday),
            TimeZone = pr.GetValue(timeZone)!,
            Session = pr.GetValue(session)!,
            MinReturns = pr.GetValue(minReturns),
            Overnight = pr.GetValue(overnight),
            Estimator = pr.GetValue(estimator)!,
            EstimatorParameter = pr.GetValue(estimatorParameter),
            Universe = pr.GetValue(universe),
            Cluster = pr.GetValue(cluster),
            ClusterId = pr.GetValue(clusterId)!,
        }, Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs the backtest; returns the process exit code (0 ok, 2 bad input).</summary>
    internal static int Run(Settings s, TextWriter stdout, TextWriter stderr)
    {
        List<BacktestSeries> sets;
        string[] modelNames;
        try
        {
            Validate(s);
            string[] known = s.Intraday ? IntradayModelNames : ModelNames;
            modelNames = s.Models is { Length: > 0 } ? s.Models : s.Intraday ? IntradayDefaultModels : ModelNames;
            foreach (string m in modelNames)
            {
                string? specError = null;
                if (!known.Contains(m) && (IntradayModelNames.Contains(m) || !ArchSpecification.TryParse(m, out _, out specError)))
                    throw new ArgumentException($"--models: unknown model '{m}'{(s.Intraday ? " with --intraday" : "")}; known: {string.Join(", ", known)}" +
                                                (!s.Intraday && IntradayModelNames.Contains(m) ? " (it needs --intraday)." : $", or an ARCH specification such as garch(2,1) ({specError})"));
            }
            sets = BacktestData.Load(s);
            foreach (BacktestSeries set in sets) BacktestData.CheckSizes(s, set);
            BacktestData.DescribeIntradayDays(sets, stderr);
            BacktestOutput.PrepareOutput(s.Out);
            BacktestHtmlReport.EnsureGraphics();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or CsvFormatException or FileNotFoundException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }

        IAnsiConsole progressConsole = BacktestConsoleTable.CreateConsole(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        var total = Stopwatch.StartNew();
        BacktestRun run;
        try
        {
            run = BacktestRunner.Run(s, sets, modelNames, progressConsole, stderr);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }

        string hardware = $"{MachineDescription.CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, kernels {Kernels.KernelInfo.ActiveIsa}; " +
                          $"{s.Threads} thread(s); total {total.Elapsed.TotalSeconds:F1} s";
        if (s.Cluster is not null) hardware += $"; series run on the cluster {ClusterLabel(s.Cluster)}, fit times measured on the silos";
        JsonObject json = BacktestJson.Build(run, hardware, s);
        string outDir = Path.GetFullPath(s.Out);
        try
        {
            var sections = run.Results.Select(r => BacktestSections.Build(run, r.Set, r.Report, r.BestBaseline, r.Telemetry, s.Seeds)).ToList();
            BacktestOutput.Write(outDir, json, () => BacktestHtmlReport.Render("MlNetLstm walk-forward volatility backtest", hardware, sections));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The run is not lost: the results go to stdout as JSON.
            stderr.WriteLine($"error: --out '{s.Out}': could not write the report ({ex.Message}); the results follow on stdout as JSON.");
            stdout.WriteLine(json.ToJsonString());
            return 2;
        }

        if (s.Format == "json")
        {
            stdout.WriteLine(json.ToJsonString());
        }
        else
        {
            IAnsiConsole console = BacktestConsoleTable.CreateConsole(stdout, ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
            foreach (var r in run.Results) BacktestConsoleTable.Write(console, run, r.Set, r.Report, r.BestBaseline);
            console.MarkupLine($"[grey]{Markup.Escape(hardware)}[/]");
            console.MarkupLine($"Report: [link]{Markup.Escape(Path.Combine(outDir, "report.html"))}[/]  JSON: {Markup.Escape(Path.Combine(outDir, "results.json"))}");
        }
        return 0;
    }

    /// <summary>The cluster as shown in the hardware line: a connection string without its password.</summary>
    internal static string ClusterLabel(string cluster)
    {
        if (cluster.StartsWith("localhost", StringComparison.OrdinalIgnoreCase)) return cluster;
        try
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(cluster);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException) { return "(PostgreSQL)"; }
    }

    private static void Validate(Settings s)
    {
        if (s.Universe is not null && s.Data is not null) throw new ArgumentException("--universe and --data exclude each other: --universe reads every CSV file of a folder.");
        if (s.Universe is not null && string.IsNullOrWhiteSpace(s.Column)) throw new ArgumentException("--universe needs --column NAME (the value column of every file).");
        if (s.Universe is not null && s.Exogenous is { Length: > 0 }) throw new ArgumentException("--exog is not available with --universe.");
        if (s.Universe is not null && s.Intraday) throw new ArgumentException("--intraday is not available with --universe: run each intraday file with --data.");
        if (s.Cluster is not null && s.Universe is null) throw new ArgumentException("--cluster needs --universe FOLDER (the series to fan out).");
        if (s.Cluster is not null && string.IsNullOrWhiteSpace(s.ClusterId)) throw new ArgumentException("--cluster-id is empty: give the id the cluster's silos were started with (serve --cluster-id).");
        if (s.Cluster is not null && string.IsNullOrWhiteSpace(s.Cluster)) throw new ArgumentException("--cluster is empty: give localhost[:PORT] or a PostgreSQL connection string.");
        if (s.Data is null && s.Universe is null && s.Column is not null) throw new ArgumentException("--column needs --data (or --universe).");
        if (s.Data is not null && string.IsNullOrWhiteSpace(s.Column)) throw new ArgumentException("--data needs --column NAME (the value column).");
        if (s.Horizon < 1) throw new ArgumentException($"--horizon must be at least 1 (got {s.Horizon}).");
        if (s.Seeds < 1) throw new ArgumentException($"--seeds must be at least 1 (got {s.Seeds}).");
        if (s.Train is < 50) throw new ArgumentException($"--train must be at least 50 (got {s.Train}).");
        if (s.Test is < 3) throw new ArgumentException($"--test must be at least 3 (got {s.Test}).");
        if (s.Test is int t && t < 2 * s.Horizon + 1)
            throw new ArgumentException($"--test {t} is too short for --horizon {s.Horizon}: at least 2 x horizon + 1 = {2 * s.Horizon + 1} forecast origins are needed.");
        if (string.IsNullOrWhiteSpace(s.Out)) throw new ArgumentException("--out must name a folder.");
        if (s.Refit < 1) throw new ArgumentException($"--refit must be at least 1 (got {s.Refit}).");
        if (s.Threads < 1) throw new ArgumentException($"--threads must be at least 1 (got {s.Threads}).");
        if (s.Intraday)
        {
            if (s.Data is null) throw new ArgumentException("--intraday needs --data FILE with a time column and intraday prices (the bundled data sets are daily).");
            if (s.Input != "price") throw new ArgumentException("--intraday needs --input price: the column must hold intraday prices.");
            if (s.Exogenous is { Length: > 0 }) throw new ArgumentException("--exog cannot be combined with --intraday (the LSTMs' extra inputs are then the RV's HAR components).");
            if (s.MinReturns < 1) throw new ArgumentException($"--min-returns must be at least 1 (got {s.MinReturns}).");
            if (s.EstimatorParameter is int ep && (ep < (s.Estimator == "subsampled" ? 1 : 0) || s.Estimator == "rv"))
                throw new ArgumentException(s.Estimator == "rv" ? "--rv-parameter needs --rv-estimator subsampled or kernel." : $"--rv-parameter {ep} is out of range for --rv-estimator {s.Estimator}.");
            SessionOptions(s).Validate();
        }
        else if (s.Session != DefaultSession || s.TimeZone != IntradaySessionOptions.DefaultTimeZone || s.Overnight || s.Estimator != "rv" || s.EstimatorParameter is not null
                 || s.MinReturns != IntradaySessionOptions.DefaultMinimumReturns)
        {
            throw new ArgumentException("--session, --time-zone, --min-returns, --overnight, --rv-estimator and --rv-parameter need --intraday.");
        }
        if (s.Exogenous is { Length: > 0 } && s.Data is null)
            throw new ArgumentException("--exog needs --data: the bundled data sets have no exogenous columns.");
        if (s.Exogenous is { Length: > 0 } ex)
        {
            if (ex.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("--exog: a column name is empty.");
            string? dup = ex.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
            if (dup is not null) throw new ArgumentException($"--exog: column '{dup}' is given twice.");
            string? clash = ex.FirstOrDefault(c => string.Equals(c, s.Column, StringComparison.OrdinalIgnoreCase));
            if (clash is not null) throw new ArgumentException($"--exog: column '{clash}' is the value column (--column); exogenous columns must be other columns.");
        }
    }

    /// <summary>The session rule and estimator of --intraday; errors name the option.</summary>
    internal static IntradaySessionOptions SessionOptions(Settings s)
    {
        string[] parts = s.Session.Split('-');
        TimeSpan Parse(string text)
        {
            if (text.Trim() == "24:00") return TimeSpan.FromHours(24);
            if (!TimeSpan.TryParseExact(text.Trim(), ["h\\:mm", "hh\\:mm"], CultureInfo.InvariantCulture, out TimeSpan t) || t >= TimeSpan.FromHours(24))
                throw new ArgumentException($"--session '{s.Session}': '{text}' is not a time of day HH:MM.");
            return t;
        }
        if (parts.Length != 2) throw new ArgumentException($"--session '{s.Session}' must be HH:MM-HH:MM (open-close, local time in --time-zone).");
        var o = new IntradaySessionOptions
        {
            TimeZone = s.TimeZone, SessionOpen = Parse(parts[0]), SessionClose = Parse(parts[1]), MinimumReturns = s.MinReturns, IncludeOvernight = s.Overnight,
            Estimator = s.Estimator switch { "subsampled" => RealizedEstimator.Subsampled, "kernel" => RealizedEstimator.RealizedKernel, _ => RealizedEstimator.RealizedVariance },
            EstimatorParameter = s.EstimatorParameter,
        };
        try { o.ResolveTimeZone(); }
        catch (ArgumentException) { throw new ArgumentException($"--time-zone '{s.TimeZone}' is not a known time zone (use an IANA id such as America/New_York, or UTC)."); }
        return o;
    }

    /// <summary>The --regime-form name of a form.</summary>
    internal static string FormName(RegimeTermForm form) => form switch
    {
        RegimeTermForm.RelativeShock => "relative",
        RegimeTermForm.Leverage => "leverage",
        _ => "absolute",
    };

    /// <summary>The form of a --regime-form name.</summary>
    internal static RegimeTermForm ParseForm(string name) => name switch
    {
        "relative" => RegimeTermForm.RelativeShock,
        "leverage" => RegimeTermForm.Leverage,
        "absolute" => RegimeTermForm.AbsoluteShock,
        _ => throw new ArgumentException($"--regime-form '{name}' is not one of absolute, relative, leverage."),
    };
}
