using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    private static readonly string[] NeuralNames = ["lstm-regime", "lstm"];

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
        var command = new Command("backtest", "Walk-forward volatility backtest: lstm-regime and lstm against GARCH, GJR, EWMA, HAR and SSA, with an HTML report.");
        foreach (Option o in new Option[] { data, column, dateColumn, input, horizon, directHeads, seedsOption, train, test, refit, seed, threads, outDir, format, models, exog, garchFeature, anchor, regimeForm, asymmetric, shrinkage,
            intraday, timeZone, session, minReturns, overnight, estimator, estimatorParameter, universe, cluster }) command.Options.Add(o);
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
        }, Console.Out, Console.Error));
        return command;
    }

    /// <summary>One series to backtest. <paramref name="Dates"/>: one per return, or null; <paramref name="ExactDate"/>: whether return i's date is exact.</summary>
    internal sealed record DataSet(string Name, string Description, double[] Returns, ExogenousSeries? Exogenous = null,
        IReadOnlyList<DateTime>? Dates = null, Func<int, bool>? ExactDate = null, string? DateNote = null, IntradayDays? Intraday = null);

    /// <summary>Runs the backtest; returns the process exit code (0 ok, 2 bad input).</summary>
    internal static int Run(Settings s, TextWriter stdout, TextWriter stderr)
    {
        List<DataSet> sets;
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
            sets = LoadData(s);
            foreach (DataSet set in sets) CheckSizes(s, set);
            foreach (DataSet set in sets)
            {
                if (set.Intraday is not { } days) continue;
                stderr.WriteLine($"{set.Name}: {days.Returns.Count + 1:N0} trading days ({days.Options.Describe()}); {days.OutsideSession:N0} prices outside the session left out.");
                if (days.Rejected.Count > 0)
                    stderr.WriteLine($"{set.Name}: {days.Rejected.Count} day(s) left out, fewer than {days.Options.MinimumReturns} intraday returns: " +
                                     string.Join(", ", days.Rejected.Take(10).Select(r => $"{r.Day:yyyy-MM-dd} ({r.IntradayReturns})")) +
                                     (days.Rejected.Count > 10 ? $" and {days.Rejected.Count - 10} more" : "") +
                                     "; the next day's return runs from the previous kept close. All are listed in results.json and the report.");
            }
            PrepareOutput(s.Out);
            BacktestHtmlReport.EnsureGraphics();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or CsvFormatException or FileNotFoundException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }

        var results = new List<(DataSet Set, WalkForwardReport Report, WalkForwardOptions Options, string BestBaseline, VolatilityTelemetry? Telemetry)>();
        IAnsiConsole progressConsole = CreateConsole(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        var total = Stopwatch.StartNew();
        Dictionary<(string Set, string Model), double>? fitSeconds = null;
        if (s.Cluster is not null)
        {
            try
            {
                fitSeconds = new();
                foreach (var r in UniverseCluster.Run(s, sets, modelNames, progressConsole, stderr))
                {
                    foreach (var m in r.Result.Models) fitSeconds[(r.Set.Name, m.Name)] = m.FitSeconds;
                    string best = r.Report.Models.Where(m => !NeuralNames.Contains(m.Name)).OrderBy(m => m.Qlike).Select(m => m.Name).FirstOrDefault() ?? r.Report.BestModel;
                    results.Add((r.Set, r.Report, r.Options, best, null));
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                stderr.WriteLine($"error: {CliErrors.Text(ex)}");
                return 2;
            }
        }
        else try
        {
            foreach (DataSet set in sets)
            {
                int n = set.Returns.Length;
                int trainSize = s.Train ?? Math.Min(DefaultMaxTrain, n / 2);
                var wf = new WalkForwardOptions
                {
                    TrainSize = trainSize,
                    TestSize = s.Test,
                    RefitEvery = s.Refit,
                    Horizon = s.Horizon,
                    Threads = s.Threads,
                    Window = WalkForwardWindow.Rolling,
                    RankingLoss = Loss.Qlike,
                    Exogenous = set.Intraday is { } days ? RealizedInputs.Create(days.Realized.ToArray()) : set.Exogenous,
                    Proxy = set.Intraday?.Realized,
                    // No model may emit a non-finite or non-positive variance: such a forecast is replaced by the EWMA of the
                    // history (no look-ahead) and counted per model (table column "fallbacks", JSON "fallbacks", report).
                    InvalidForecasts = InvalidForecastPolicy.Fallback,
                };
                IReadOnlyList<IVarianceModel> models = set.Intraday is null
                    ? BacktestModels.Create(modelNames, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.Seeds, s.RegimeForm, s.AsymmetricInput, s.Shrinkage)
                    : BacktestModels.CreateRealized(modelNames, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.Seeds, s.RegimeForm, s.AsymmetricInput, s.Shrinkage);
                WalkForwardReport report = null!;
                string label = $"{set.Name}: walk-forward ({n:N0} returns, train {trainSize:N0}, refit every {s.Refit})";
                // Blocks differ in cost by model: weight each by a rough relative fit time so that the bar and its ETA move evenly.
                double Weight(string model) => NeuralNames.Contains(model) ? 100.0 * s.Seeds : model is "garch" or "gjr" ? 3 : 1;
                int blocksPerModel = ((s.Test ?? n - trainSize - s.Horizon + 1) + s.Refit - 1) / s.Refit;
                double totalWork = modelNames.Sum(Weight) * blocksPerModel;
                using (var bar = new ProgressReporter(progressConsole, stderr, label, totalWork))
                {
                    var progress = new SynchronousProgress<WalkForwardProgress>(p => bar.Advance(Weight(p.Model)));
                    report = WalkForward.Run(set.Returns, models, wf, progress);
                }
                string bestBaseline = set.Intraday is not null && modelNames.Contains(RealizedHarVarianceModel.LevelName) ? RealizedHarVarianceModel.LevelName
                    : report.Models.Where(m => !NeuralNames.Contains(m.Name)).OrderBy(m => m.Qlike).Select(m => m.Name).FirstOrDefault()
                    ?? report.BestModel;
                VolatilityTelemetry? telemetry = null;
                // (Not with --intraday: its lstm-regime runs on realized pseudo-returns; the gate charts are those of the daily model.)
                if (set.Intraday is null && modelNames.Contains(LstmVolatilityModel.RegimeName))
                {
                    // Telemetry for the charts: the model fitted on the first training window, run over the whole test period
                    // (the same options as the backtested lstm-regime, heads included; Explain reports its one-step head).
                    int first = report.Origins[0];
                    stderr.WriteLine($"{set.Name}: fitting lstm-regime once more for the gate charts...");
                    var fitted = new LstmVolatilityModel(BacktestModels.LstmOptions(true, s.Seed, s.GarchFeature, s.Anchor, s.Horizon, s.DirectHeads, s.RegimeForm, s.AsymmetricInput, s.Shrinkage) with { Threads = s.Threads })
                        .Fit(set.Returns.AsSpan(first - trainSize, trainSize), set.Exogenous?.Slice(first - trainSize, trainSize));
                    telemetry = fitted.Explain(set.Returns.AsSpan(first - trainSize), set.Exogenous?.Slice(first - trainSize, n - (first - trainSize)));
                }
                results.Add((set, report, wf, bestBaseline, telemetry));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            stderr.WriteLine($"error: {CliErrors.Text(ex)}");
            return 2;
        }

        string hardware = $"{CpuModel()}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, kernels {Kernels.KernelInfo.ActiveIsa}; " +
                          $"{s.Threads} thread(s); total {total.Elapsed.TotalSeconds:F1} s";
        if (s.Cluster is not null) hardware += $"; series run on the cluster {ClusterLabel(s.Cluster)}, fit times measured on the silos";
        FitSeconds = fitSeconds;
        JsonObject json = ToJson(results.Select(r => (r.Set, r.Report, r.BestBaseline)).ToList(), hardware, s.Seeds, s);
        string outDir = Path.GetFullPath(s.Out);
        try
        {
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, "results.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            var sections = results.Select(r => ToSection(r.Set, r.Report, r.BestBaseline, r.Telemetry, s.Seeds)).ToList();
            File.WriteAllText(Path.Combine(outDir, "report.html"), BacktestHtmlReport.Render("MlNetLstm walk-forward volatility backtest", hardware, sections));
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
            IAnsiConsole console = CreateConsole(stdout, ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
            foreach (var r in results) WriteTable(console, r.Set, r.Report, r.BestBaseline);
            console.MarkupLine($"[grey]{Markup.Escape(hardware)}[/]");
            console.MarkupLine($"Report: [link]{Markup.Escape(Path.Combine(outDir, "report.html"))}[/]  JSON: {Markup.Escape(Path.Combine(outDir, "results.json"))}");
        }
        return 0;
    }

    /// <summary>Fit times measured on the silos of a cluster run (null: in-process, the report's own).</summary>
    [ThreadStatic] private static Dictionary<(string Set, string Model), double>? FitSeconds;

    private static double Fit(DataSet set, WalkForwardModelResult m) =>
        FitSeconds is { } f && f.TryGetValue((set.Name, m.Name), out double v) ? v : m.FitTime.TotalSeconds;

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

    /// <summary>Checks, before any fitting, that --train, --test and --horizon leave enough forecast origins in the data set.</summary>
    private static void CheckSizes(Settings s, DataSet set)
    {
        ReturnScale.Check(set.Returns, s.Column is null ? set.Name : $"--column {s.Column}{(s.Input == "price" ? " (returns from prices)" : "")}");
        int n = set.Returns.Length;
        int train = s.Train ?? Math.Min(DefaultMaxTrain, n / 2);
        int minOrigins = Math.Max(3, 2 * s.Horizon + 1);
        long available = (long)n - train - s.Horizon + 1;
        if (available < minOrigins)
            throw new ArgumentException($"{set.Name}: {n:N0} returns with --train {train:N0} and --horizon {s.Horizon} leave {Math.Max(available, 0)} forecast origins " +
                                        $"(at least {minOrigins} needed); use a smaller --train.");
    }

    /// <summary>
    /// Checks --out before any work: it must be a folder that can be created and written (an existing file, a path under a
    /// file or an unwritable place is refused), so that a long run never ends without its report.
    /// </summary>
    internal static void PrepareOutput(string dir)
    {
        string full;
        try
        {
            full = Path.GetFullPath(dir);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"--out '{dir}' is not a valid path ({ex.Message}).");
        }
        if (File.Exists(full)) throw new ArgumentException($"--out '{dir}' is an existing file; give a folder (report.html and results.json are written into it).");
        foreach (string name in new[] { "report.html", "results.json" })
            if (Directory.Exists(Path.Combine(full, name))) throw new ArgumentException($"--out '{dir}' contains a folder named {name}; the report cannot be written there.");
        try
        {
            Directory.CreateDirectory(full);
            string probe = Path.Combine(full, $".mlnetlstm-write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ArgumentException($"--out '{dir}': the folder cannot be created or written ({ex.Message}).");
        }
    }

    private static List<DataSet> LoadData(Settings s)
    {
        if (s.Universe is { } folder)
        {
            if (File.Exists(folder)) throw new ArgumentException($"--universe '{folder}' is a file; give a folder of CSV files.");
            if (!Directory.Exists(folder)) throw new ArgumentException($"--universe: folder '{folder}' does not exist.");
            string[] files = Directory.GetFiles(folder, "*.csv").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new ArgumentException($"--universe: folder '{folder}' has no .csv file.");
            return files.SelectMany(f => LoadData(s with { Universe = null, Data = f })).ToList();
        }
        if (s.Data is null)
        {
            double[] sp = CsvSeriesReader.ReadFile(BundledPath("sp500dge.csv"), "sp500_ret").ToArray();
            double[] dm = CsvSeriesReader.ReadFile(BundledPath("dem2gbp.csv"), "dem2gbp").ToArray();
            const string note = "The bundled file has no dates (only an observation number); the dates shown are reconstructed on the trading calendar " +
                                "between documented anchor dates ({0}), so they may be some weeks off between anchors; shocks on an anchor carry their exact date, others \"≈\".";
            string Anchors((int Index, DateTime Date)[] a) => string.Join(", ", a.Select(x => x.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            return
            [
                new DataSet("S&P 500 (sp500dge)", "Daily S&P 500 returns, Jan 1928 - Aug 1991 (Ding, Granger and Engle 1993), 17,054 returns.", sp,
                    Dates: BundledDates.Interpolate(sp.Length, BundledDates.Sp500Anchors), ExactDate: i => BundledDates.IsAnchor(BundledDates.Sp500Anchors, i),
                    DateNote: string.Format(CultureInfo.InvariantCulture, note, Anchors(BundledDates.Sp500Anchors))),
                new DataSet("DEM/GBP (dem2gbp)", "Daily percentage returns of the Deutschmark / British pound rate, 1984-1991 (Bollerslev and Ghysels 1996), 1,974 returns.", dm,
                    Dates: BundledDates.Interpolate(dm.Length, BundledDates.DemGbpAnchors), ExactDate: i => BundledDates.IsAnchor(BundledDates.DemGbpAnchors, i),
                    DateNote: string.Format(CultureInfo.InvariantCulture, note, Anchors(BundledDates.DemGbpAnchors))),
            ];
        }
        if (s.Intraday)
        {
            string timeColumn = s.DateColumn ?? DetectDateColumn(s.Data, "time", "timestamp", "datetime", "date")
                ?? throw new ArgumentException($"--intraday: '{s.Data}' has no time column (named time, timestamp, datetime or date); name it with --date-column.");
            SeriesData raw = CsvSeriesReader.ReadFile(s.Data, s.Column!, new CsvSeriesOptions { DateColumn = timeColumn, MinimumRows = 60, RequirePositive = true });
            IntradayDays days;
            try { days = IntradayDays.Build(raw.Dates!, raw.Values, SessionOptions(s)); }
            catch (ArgumentException ex) { throw new ArgumentException($"--intraday, {s.Data}: {ex.Message}"); }
            string proxy = $"Proxy: the daily {days.Options.Describe()} (RV), not r².";
            return [new DataSet($"{Path.GetFileName(s.Data)} [{s.Column}, intraday]",
                $"{raw.Count:N0} intraday prices from {s.Data} grouped into {days.Returns.Count + 1:N0} trading days; {days.Returns.Count:N0} daily close-to-close log returns. {proxy} " +
                $"{days.Rejected.Count} day(s) with too few intraday returns left out{(days.Rejected.Count > 0 ? ": " + string.Join(", ", days.Rejected.Select(r => $"{r.Day:yyyy-MM-dd} ({r.IntradayReturns})")) : "")}; " +
                $"{days.OutsideSession:N0} prices outside the session. HAR-RV, log-HAR and EWMA-RV run on RV, GARCH and GJR on the daily returns, the LSTMs on RV (inputs and target); " +
                "no gate charts (they are drawn for the daily model).",
                days.Returns.ToArray(), Dates: days.Days.Select(d => d.ToDateTime(TimeOnly.MinValue)).ToArray(), Intraday: days)];
        }
        string? dateColumn = s.DateColumn ?? DetectDateColumn(s.Data);
        SeriesData series = CsvSeriesReader.ReadFile(s.Data, s.Column!, new CsvSeriesOptions { DateColumn = dateColumn, MinimumRows = 60, RequirePositive = s.Input == "price" });
        double[] values = series.ToArray();
        double[] returns = s.Input == "price" ? PriceReturns.FromPrices(values) : values;
        IReadOnlyList<DateTime>? dates = series.Dates is null ? null : s.Input == "price" ? series.Dates.Skip(1).ToArray() : series.Dates;
        ExogenousSeries? exogenous = null;
        if (s.Exogenous is { Length: > 0 } names)
        {
            // Same file, same rows: each column is read with the reader's checks (missing, non-numeric, non-finite cells name their line).
            var columns = names.Select(c =>
            {
                SeriesData col = CsvSeriesReader.ReadFile(s.Data, c, new CsvSeriesOptions { MinimumRows = 60 });
                return new KeyValuePair<string, double[]>(col.Name, col.ToArray());
            }).ToList();
            exogenous = ExogenousSeries.FromColumns(columns);
            // Returns from prices start at the second row: return t (p_{t+1} / p_t) is known with row t + 1.
            if (s.Input == "price") exogenous = exogenous.Slice(1, exogenous.Count - 1);
        }
        string exogText = exogenous is null ? string.Empty : $" Exogenous inputs of the LSTMs: {string.Join(", ", exogenous.Names)}.";
        string garchText = s.Anchor switch
        {
            VolatilityAnchor.Selected => " The LSTMs correct an anchor chosen on each training window among EWMA, GARCH(1,1) and GJR by validation QLIKE, and read its forecast when it is GARCH or GJR.",
            VolatilityAnchor.Gjr => " The LSTMs correct the gjr anchor and read a GJR-GARCH(1,1,1) forecast.",
            VolatilityAnchor.Ewma => s.GarchFeature ? " The LSTMs also read a GARCH(1,1) forecast (hybrid LSTM-GARCH)." : string.Empty,
            _ => $" The LSTMs correct the {s.Anchor.ToString().ToLowerInvariant()} anchor and read a GARCH(1,1) forecast (hybrid LSTM-GARCH).",
        };
        if (s.Shrinkage == CorrectionShrinkage.Validation) garchText += " Their correction is shrunk toward the anchor by a weight chosen on each window's validation tail (0: the anchor alone).";
        return [new DataSet($"{Path.GetFileName(s.Data)} [{s.Column}]",
            $"{returns.Length} {(s.Input == "price" ? "log returns from prices" : "returns")} from {s.Data}.{exogText}{garchText}", returns, exogenous, dates)];
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

    /// <summary>The first header cell named "date" (any case), or null; checks that the path is an existing file.</summary>
    internal static string? DetectDateColumn(string path) => DetectDateColumn(path, "date");

    /// <summary>The first header cell with one of <paramref name="names"/> (any case, in the order given), or null; checks that the path is an existing file.</summary>
    internal static string? DetectDateColumn(string path, params string[] names)
    {
        if (Directory.Exists(path)) throw new ArgumentException($"--data '{path}' is a folder, not a CSV file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"--data: file '{path}' does not exist.", path);
        string? header = File.ReadLines(path).FirstOrDefault();
        if (header is null) return null;
        string[] cells = header.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        return names.Select(n => cells.FirstOrDefault(h => h.Equals(n, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(h => h is not null);
    }

    internal static string BundledPath(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", file);
        if (!File.Exists(path)) throw new FileNotFoundException($"Bundled data file '{path}' is missing; rebuild the CLI.", path);
        return path;
    }

    private static JsonObject ToJson(List<(DataSet Set, WalkForwardReport Report, string BestBaseline)> results, string hardware, int seeds, Settings settings)
    {
        var sets = new JsonArray();
        foreach (var (set, report, best) in results)
        {
            var models = new JsonArray();
            WalkForwardModelResult baseline = report[best];
            foreach (WalkForwardModelResult m in report.Models)
            {
                DieboldMarianoResult? dm = m.Name == best ? null : DieboldMariano.Test(Loss.Qlike,
                    m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), report.Proxy.ToArray(), new DieboldMarianoOptions { Horizon = report.Horizon });
                DieboldMarianoResult? dmMse = DmMse(m, baseline, report);
                models.Add(new JsonObject
                {
                    ["name"] = m.Name,
                    ["qlike"] = m.Qlike,
                    ["mse"] = m.Mse,
                    ["mae"] = m.Mae,
                    ["mzR2"] = m.MincerZarnowitzRSquared,
                    ["dmStatistic"] = dm is null ? null : JsonValue.Create(dm.Statistic),
                    ["dmPValue"] = dm is null ? null : JsonValue.Create(dm.PValue),
                    ["dmMseStatistic"] = dmMse is null ? null : JsonValue.Create(dmMse.Statistic),
                    ["dmMsePValue"] = dmMse is null ? null : JsonValue.Create(dmMse.PValue),
                    // With --intraday: the same forecasts scored against the noisy proxy r², for comparison.
                    ["qlikeAgainstR2"] = set.Intraday is null ? null : JsonValue.Create(Losses.Qlike(m.Forecasts.ToArray(), Squares(report))),
                    ["dmAgainstR2Statistic"] = set.Intraday is null || m.Name == best ? null
                        : JsonValue.Create(DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), Squares(report), new DieboldMarianoOptions { Horizon = report.Horizon }).Statistic),
                    ["dmAgainstR2PValue"] = set.Intraday is null || m.Name == best ? null
                        : JsonValue.Create(DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), Squares(report), new DieboldMarianoOptions { Horizon = report.Horizon }).PValue),
                    ["fitSeconds"] = Fit(set, m),
                    ["fits"] = m.FitCount,
                    ["fallbacks"] = m.FallbackCount,
                    ["fallbackOrigins"] = new JsonArray(m.FallbackOrigins.Select(o => (JsonNode?)JsonValue.Create(o)).ToArray()),
                });
            }
            sets.Add(new JsonObject
            {
                ["dataSet"] = set.Name,
                ["returns"] = set.Returns.Length,
                ["firstOrigin"] = report.Origins[0],
                ["forecasts"] = report.Origins.Count,
                ["horizon"] = report.Horizon,
                ["lstmSeeds"] = seeds,
                ["anchor"] = settings.Anchor.ToString().ToLowerInvariant(),
                ["regimeForm"] = FormName(settings.RegimeForm),
                ["asymmetricInput"] = settings.AsymmetricInput,
                ["shrinkage"] = settings.Shrinkage.ToString().ToLowerInvariant(),
                ["exogenous"] = new JsonArray((set.Exogenous?.Names ?? []).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
                ["bestModel"] = report.BestModel,
                ["bestBaseline"] = best,
                ["dmAgainst"] = best,
                ["proxy"] = set.Intraday is null ? "r2" : "rv",
                ["proxyDescription"] = set.Intraday is null ? "squared daily return r²" : $"daily {set.Intraday.Options.Describe()}",
                ["intraday"] = set.Intraday is not { } days ? null : new JsonObject
                {
                    ["rule"] = days.Options.Describe(),
                    ["timeZone"] = days.Options.TimeZone,
                    ["minimumReturns"] = days.Options.MinimumReturns,
                    ["overnight"] = days.Options.IncludeOvernight,
                    ["estimator"] = days.Options.Estimator.ToString(),
                    ["tradingDays"] = days.Returns.Count + 1,
                    ["firstDay"] = days.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["outsideSession"] = days.OutsideSession,
                    ["rejectedDays"] = new JsonArray(days.Rejected.Select(r => (JsonNode?)new JsonObject
                    {
                        ["day"] = r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["intradayReturns"] = r.IntradayReturns, ["reason"] = r.Reason,
                    }).ToArray()),
                },
                ["models"] = models,
            });
        }
        JsonObject first = (JsonObject)sets[0]!.DeepClone();
        first["hardware"] = hardware;
        first["dataSets"] = sets;
        return first;
    }

    private static BacktestSection ToSection(DataSet set, WalkForwardReport report, string best, VolatilityTelemetry? telemetry, int seeds)
    {
        WalkForwardModelResult baseline = report[best];
        var rows = report.Models.Select(m =>
        {
            DieboldMarianoResult? dm = m.Name == best ? null : DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(),
                report.Proxy.ToArray(), new DieboldMarianoOptions { Horizon = report.Horizon });
            DieboldMarianoResult? dmMse = set.Intraday is null ? null : DmMse(m, baseline, report);
            return new BacktestRow(m.Name, m.Qlike, m.Mse, m.Mae, m.MincerZarnowitzRSquared, dm?.Statistic ?? double.NaN, dm?.PValue ?? double.NaN, Fit(set, m),
                dmMse?.Statistic ?? double.NaN, dmMse?.PValue ?? double.NaN, m.FallbackCount);
        }).ToList();
        var forecasts = report.Models.Where(m => NeuralNames.Contains(m.Name) || m.Name == best)
            .Select(m => (m.Name, (IReadOnlyList<double>)m.Forecasts)).ToList();
        IReadOnlyList<double>? forget = null, abs = null, term = null;
        IReadOnlyList<DateTime>? dates = set.Dates is null ? null : report.TargetIndices.Select(i => set.Dates[i]).ToArray();
        IReadOnlyList<DateTime>? gateDates = set.Dates is null ? null : report.Origins.Select(o => set.Dates[o - 1]).ToArray();
        int[] targets = report.TargetIndices.ToArray();
        Func<int, bool> exact = set.ExactDate is null ? _ => true : k => set.ExactDate(targets[k]);
        if (telemetry is not null)
        {
            int skip = telemetry.ForgetGate.Length - report.Origins.Count;
            forget = telemetry.ForgetGate.Skip(skip).ToArray();
            term = telemetry.RegimeTerm.Skip(skip).ToArray();
            abs = set.Returns.Skip(report.Origins[0] - 1).Take(report.Origins.Count).Select(Math.Abs).ToArray();
        }
        string lstms = seeds > 1 ? $" Each LSTM is a {seeds}-seed ensemble (geometric mean of the forecasts){(telemetry is null ? "" : "; the gate charts show its first network")}." : string.Empty;
        return new BacktestSection(set.Name, set.Description + $" Forecasts from origin {report.Origins[0]} on ({report.Origins.Count} of them), horizon {report.Horizon}.{lstms}",
            best, rows, dates, exact, set.DateNote, report.Proxy, forecasts, forget, abs, term, gateDates,
            set.Intraday is null ? "r²" : "RV", set.Intraday is null ? "the best baseline" : "the benchmark");
    }

    private static void WriteTable(IAnsiConsole console, DataSet set, WalkForwardReport report, string best)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(set.Name)}[/]: {report.Origins.Count} out-of-sample forecasts, horizon {report.Horizon}");
        table.AddColumn("model");
        bool realized = set.Intraday is not null;
        string[] heads = realized ? ["QLIKE", "MSE", "MAE", "MZ R²", $"DM vs {best}", "p-value", "DM (MSE)", "p-value", "fit s", "fallbacks"] : ["QLIKE", "MSE", "MAE", "MZ R²", $"DM vs {best}", "p-value", "fit s", "fallbacks"];
        foreach (string c in heads) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        WalkForwardModelResult baseline = report[best];
        var dms = report.Models.ToDictionary(m => m.Name, m => m.Name == best ? null : DieboldMariano.Test(Loss.Qlike, m.Forecasts.ToArray(),
            baseline.Forecasts.ToArray(), report.Proxy.ToArray(), new DieboldMarianoOptions { Horizon = report.Horizon }));
        // One style per column: fixed, or scientific with a two-digit exponent when the magnitudes need it.
        var fq = NumberFormat.ForColumn(report.Models.Select(m => m.Qlike));
        var fmse = NumberFormat.ForColumn(report.Models.Select(m => m.Mse));
        var fmae = NumberFormat.ForColumn(report.Models.Select(m => m.Mae));
        var fr2 = NumberFormat.ForColumn(report.Models.Select(m => m.MincerZarnowitzRSquared), 4);
        foreach (WalkForwardModelResult m in report.Models)
        {
            DieboldMarianoResult? dm = dms[m.Name];
            string name = m.Name == report.BestModel ? $"[bold]{m.Name}[/]" : m.Name;
            var cells = new List<string> { name, fq(m.Qlike), fmse(m.Mse), fmae(m.Mae), fr2(m.MincerZarnowitzRSquared),
                dm is null ? "–" : dm.Statistic.ToString("F2", CultureInfo.InvariantCulture), dm is null ? "–" : NumberFormat.PValue(dm.PValue) };
            if (realized)
            {
                DieboldMarianoResult? dmMse = DmMse(m, baseline, report);
                cells.Add(dmMse is null ? "–" : dmMse.Statistic.ToString("F2", CultureInfo.InvariantCulture));
                cells.Add(dmMse is null ? "–" : NumberFormat.PValue(dmMse.PValue));
            }
            cells.Add(Fit(set, m).ToString("F2", CultureInfo.InvariantCulture));
            cells.Add(m.FallbackCount.ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.MarkupLine("fallbacks: forecasts that were non-finite or non-positive and were replaced by the EWMA (λ 0.94) of the history before the origin.");
        if (realized)
            console.MarkupLine($"Proxy: daily realized variance RV, not r² ({Markup.Escape(set.Intraday!.Options.Describe())}). Best by QLIKE: [bold]{Markup.Escape(report.BestModel)}[/]; " +
                               $"benchmark: {Markup.Escape(best)}. DM < 0: the row's model has the lower QLIKE (or MSE) than {Markup.Escape(best)}.");
        else
            console.MarkupLine($"Best by QLIKE: [bold]{Markup.Escape(report.BestModel)}[/]; best baseline: {Markup.Escape(best)}. DM < 0: the row's model has the lower QLIKE than {Markup.Escape(best)}.");
        console.WriteLine();
    }

    /// <summary>The squared returns at the forecasts' targets (the r² proxy).</summary>
    private static double[] Squares(WalkForwardReport report) => report.TargetReturns.Select(r => r * r).ToArray();

    /// <summary>Diebold-Mariano test of equal MSE against the benchmark (null for the benchmark itself).</summary>
    private static DieboldMarianoResult? DmMse(WalkForwardModelResult m, WalkForwardModelResult baseline, WalkForwardReport report) =>
        m.Name == baseline.Name ? null : DieboldMariano.Test(Loss.MeanSquaredError, m.Forecasts.ToArray(), baseline.Forecasts.ToArray(), report.Proxy.ToArray(),
            new DieboldMarianoOptions { Horizon = report.Horizon });

    /// <summary>A Spectre console on <paramref name="writer"/>: colours and live progress only on a real terminal, 140 columns otherwise.</summary>
    internal static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) console.Profile.Width = 140;
        return console;
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line?.Split(':', 2)[1].Trim() ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        private readonly object _gate = new();
        public void Report(T value) { lock (_gate) report(value); }
    }
}
