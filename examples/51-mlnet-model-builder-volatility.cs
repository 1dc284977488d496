// 51-mlnet-model-builder-volatility.cs - volatility forecasting in the layout ML.NET Model Builder generates: a training
// part (VolatilityModel.training.cs: BuildPipeline, Train, SaveModel) and a consumption part (VolatilityModel.consumption.cs:
// ModelInput, ModelOutput and a static Predict), here in one file. Data: the bundled daily S&P 500 returns 1928-1991.
//
//   dotnet run examples/51-mlnet-model-builder-volatility.cs        (from the repository root; about 10 s)
//
// Train fits GARCH(1,1) and the regime-adaptive LSTM on the first 4,000 days, reports their accuracy on the next 2,000 days
// inside ML.NET (EvaluateVolatility: QLIKE, Mincer-Zarnowitz R², Diebold-Mariano), runs the pipeline over all 6,000 days and
// saves the model WITH its state as a checkpoint, as Model Builder's forecasting models are saved. Predict then takes one
// new day at a time and returns the variance forecasts of the next five days with a 95 % band for the squared return.
#:project ../src/MlNetLstm.MLNet/MlNetLstm.MLNet.csproj
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetLstm.MLNet;
using SP500Volatility;

string dataPath = Path.Combine("tests", "data", "real", "sp500dge.csv");
string modelPath = Path.Combine(Path.GetTempPath(), "VolatilityModel.mlnetlstm");

// 1. Training (what Model Builder's "Train" step runs).
VolatilityModel.Train(modelPath, dataPath);

// 2. Consumption: the next days arrive one at a time.
var next = File.ReadLines(dataPath).Skip(1 + VolatilityModel.HistoryRows).Take(5)
    .Select(l => float.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
Console.WriteLine();
Console.WriteLine("day   return %   variance forecasts for the next 5 days (%²)        95 % band of r² tomorrow");
for (int d = 0; d < next.Length; d++)
{
    var output = VolatilityModel.Predict(new VolatilityModel.ModelInput { sp500_ret = next[d] });
    Console.WriteLine($"{VolatilityModel.HistoryRows + d + 1,5} {100 * next[d],8:F3}   [{string.Join(", ", output.Lstm.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))}]   [{output.Lstm_LB[0]:F4}, {output.Lstm_UB[0]:F3}]");
}

// 3. The row-by-row forecasts are the pipeline's own: a transform over all rows gives the same numbers at these rows.
var ml = new MLContext();
var all = VolatilityModel.LoadIDataViewFromFile(ml, dataPath, VolatilityModel.HistoryRows + next.Length);
var trained = MlNetLstmModel.Load(ml, Path.Combine(Path.GetTempPath(), "VolatilityModel.pipeline.mlnetlstm"), out _);
var check = trained.Transform(all).GetColumn<float[]>("Lstm").Last();
if (!check.SequenceEqual(VolatilityModel.LastOutput!.Lstm)) throw new InvalidOperationException("The engine's forecast differs from the transform's.");
Console.WriteLine("row-by-row forecasts equal the transform over all rows: yes");

namespace SP500Volatility
{
    // ---------------------------------------------------------------------------------------------------------------------
    // VolatilityModel.consumption.cs
    // ---------------------------------------------------------------------------------------------------------------------
    public partial class VolatilityModel
    {
        /// <summary>One day of the data file (column 1: the daily return, decimal).</summary>
        public class ModelInput
        {
            [LoadColumn(1)]
            [ColumnName(@"sp500_ret")]
            public float sp500_ret { get; set; }
        }

        /// <summary>The pipeline's outputs for one day.</summary>
        public class ModelOutput
        {
            /// <summary>Percent return of the day.</summary>
            [ColumnName(@"Return")]
            public float Return { get; set; }

            /// <summary>LSTM variance forecasts of the next five daily returns (%²).</summary>
            [ColumnName(@"Lstm")]
            public float[] Lstm { get; set; } = [];

            /// <summary>Lower ends of the 95 % bands of the next five squared returns.</summary>
            [ColumnName(@"Lstm_LB")]
            public float[] Lstm_LB { get; set; } = [];

            /// <summary>Upper ends of the 95 % bands.</summary>
            [ColumnName(@"Lstm_UB")]
            public float[] Lstm_UB { get; set; } = [];

            /// <summary>GARCH(1,1) one-day variance forecast (%²).</summary>
            [ColumnName(@"Garch")]
            public float Garch { get; set; }
        }

        private static string MLNetModelPath = Path.Combine(Path.GetTempPath(), "VolatilityModel.mlnetlstm");

        /// <summary>The engine, restored from the checkpoint at the end of the history.</summary>
        public static readonly Lazy<SeriesPredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(() => CreatePredictEngine(), true);

        /// <summary>The last output (for the check above).</summary>
        public static ModelOutput? LastOutput { get; private set; }

        /// <summary>Consumes the next day's return and returns the forecasts made after it. Keeps the state for the next call.</summary>
        /// <param name="input">The next day (in date order).</param>
        public static ModelOutput Predict(ModelInput input) => LastOutput = PredictEngine.Value.Predict(input);

        private static SeriesPredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
        {
            var mlContext = new MLContext();
            return MlNetLstmModel.LoadSeriesPredictionEngine<ModelInput, ModelOutput>(mlContext, MLNetModelPath);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------------
    // VolatilityModel.training.cs
    // ---------------------------------------------------------------------------------------------------------------------
    public partial class VolatilityModel
    {
        /// <summary>Days the models are fitted on.</summary>
        public const int TrainRows = 4000;

        /// <summary>Days run through the saved engine (training plus the evaluation days).</summary>
        public const int HistoryRows = 6000;

        /// <summary>Fits the pipeline, evaluates it on the days after the training window and saves the engine checkpoint.</summary>
        public static void Train(string outputModelPath, string inputDataFilePath)
        {
            var mlContext = new MLContext(seed: 1);
            var data = LoadIDataViewFromFile(mlContext, inputDataFilePath, HistoryRows);
            var model = RetrainModel(mlContext, mlContext.Data.TakeRows(data, TrainRows));

            var test = mlContext.Data.SkipRows(model.Transform(data), TrainRows);
            var lstm = mlContext.Forecasting.EvaluateVolatility(test, "Proxy", "Lstm", benchmarkColumnName: "Garch"); // step 1 of the vector
            var garch = mlContext.Forecasting.EvaluateVolatility(test, "Proxy", "Garch");
            Console.WriteLine($"days {TrainRows + 1}-{HistoryRows} ({lstm.Count} one-day forecasts, proxy r²):");
            Console.WriteLine($"  LSTM   QLIKE {lstm.Qlike:F4}  MZ R² {lstm.MincerZarnowitzRSquared:F3}");
            Console.WriteLine($"  GARCH  QLIKE {garch.Qlike:F4}  MZ R² {garch.MincerZarnowitzRSquared:F3}");
            Console.WriteLine($"  Diebold-Mariano LSTM vs GARCH: {lstm.DieboldMariano!.Statistic:F2} (p = {lstm.DieboldMariano.PValue:F3}; negative favours the LSTM)");

            SaveModel(mlContext, model, data, outputModelPath);
        }

        /// <summary>Reads the first <paramref name="rows"/> days of the data file.</summary>
        public static IDataView LoadIDataViewFromFile(MLContext mlContext, string inputDataFilePath, int rows)
            => mlContext.Data.TakeRows(mlContext.Data.LoadFromTextFile<ModelInput>(inputDataFilePath, separatorChar: ',', hasHeader: true), rows);

        /// <summary>
        /// Saves the pipeline (for batch scoring) and the engine checkpoint after running it over <paramref name="data"/> (for
        /// Predict), both as single files.
        /// </summary>
        public static void SaveModel(MLContext mlContext, ITransformer model, IDataView data, string modelSavePath)
        {
            MlNetLstmModel.Save(mlContext, model, data.Schema, Path.Combine(Path.GetDirectoryName(modelSavePath)!, "VolatilityModel.pipeline.mlnetlstm"));
            using var engine = mlContext.Model.CreateSeriesPredictionEngine<ModelInput, ModelOutput>(mlContext, model);
            foreach (var day in mlContext.Data.CreateEnumerable<ModelInput>(data, reuseRowObject: false)) engine.Predict(day);
            engine.CheckPoint(modelSavePath);
        }

        /// <summary>Fits the pipeline.</summary>
        public static ITransformer RetrainModel(MLContext mlContext, IDataView trainData) => BuildPipeline(mlContext).Fit(trainData);

        /// <summary>
        /// Percent returns, their square (the proxy the forecasts are judged against), GARCH(1,1) and the regime-adaptive LSTM with
        /// five-day forecasts and 95 % bands, all as Single columns.
        /// </summary>
        public static IEstimator<ITransformer> BuildPipeline(MLContext mlContext)
        {
            return mlContext.Transforms.Expression(@"Return", "x : x * 100", @"sp500_ret")
                .Append(mlContext.Transforms.ComputeVarianceProxy(@"Proxy", @"Return", outputType: DataKind.Single))
                .Append(mlContext.Forecasting.ForecastVolatilityByGarch(@"Garch", @"Return", outputType: DataKind.Single))
                .Append(mlContext.Forecasting.ForecastVolatilityByLstm(new LstmVolatilityEstimator.Options
                {
                    InputColumnName = @"Return", OutputColumnName = @"Lstm", Horizon = 5,
                    ConfidenceLowerBoundColumn = @"Lstm_LB", ConfidenceUpperBoundColumn = @"Lstm_UB", ConfidenceLevel = 0.95f,
                    OutputType = DataKind.Single,
                }));
        }
    }
}
