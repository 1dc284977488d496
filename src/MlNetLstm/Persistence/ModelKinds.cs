using MlNetLstm.Persistence.Format;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Neural;

namespace MlNetLstm.Persistence;

/// <summary>The model kinds stored in <see cref="ModelFile"/>s and their current layout versions (see FORMAT.md).</summary>
public static class ModelKinds
{
    /// <summary><see cref="RecurrentNetwork"/>.</summary>
    public const string RecurrentNetwork = Models.RecurrentNetwork.ArchiveKind;
    /// <summary><see cref="LstmForecastModel"/>.</summary>
    public const string LstmForecastModel = Forecasting.LstmForecastModel.ArchiveKind;
    /// <summary><see cref="Volatility.Neural.LstmVolatilityForecaster"/>.</summary>
    public const string LstmVolatilityForecaster = Volatility.Neural.LstmVolatilityForecaster.ArchiveKind;
    /// <summary><see cref="ArchFitResult"/> (GARCH family).</summary>
    public const string ArchFit = ArchFitResult.ArchiveKind;
    /// <summary><see cref="SsaForecaster"/>.</summary>
    public const string SsaForecaster = Ssa.SsaForecaster.ArchiveKind;
    /// <summary><see cref="HarModel"/>.</summary>
    public const string HarModel = Volatility.Har.HarModel.ArchiveKind;
    /// <summary><see cref="Training.TrainingCheckpoint"/>.</summary>
    public const string TrainingCheckpoint = Training.TrainingCheckpoint.ArchiveKind;
    /// <summary>A <see cref="Volatility.CombinedVarianceForecaster"/> of LSTM volatility forecasters (a seed ensemble).</summary>
    public const string CombinedVarianceForecaster = SeedEnsembleArchive.ArchiveKind;

    /// <summary>
    /// Layout version 4, written for every kind above: named entries (no positional arrays), enums by name, and fitted state
    /// stored for every kind (HAR regressions, SSA subspace), so nothing is refitted on load. Loaders also read the layouts
    /// earlier versions of the library wrote: 1 for every kind, and 2 and 3 for <see cref="LstmVolatilityForecaster"/>
    /// (FORMAT.md describes each and how it is upgraded on load).
    /// </summary>
    public const int CurrentVersion = ArchiveReader.CurrentLayoutVersion;

    /// <summary>
    /// Layout version written for <see cref="ArchFit"/> (5: each part of the model stored as its registered name and settings,
    /// <see cref="ArchComponents"/>; layouts 4 and 1, which stored the built-in parts' orders in fixed entries, still load).
    /// </summary>
    public const int ArchFitVersion = ArchFitResult.ArchiveVersion;

    /// <summary>Layout version written for <see cref="HarModel"/> (<see cref="CurrentVersion"/>; version 1 stored the proxy and is refitted on load).</summary>
    public const int HarModelVersion = Volatility.Har.HarModel.ArchiveVersion;

    /// <summary>Layout version written for <see cref="SsaForecaster"/> (<see cref="CurrentVersion"/>; version 1 stored the series and is refitted on load).</summary>
    public const int SsaForecasterVersion = Ssa.SsaForecaster.ArchiveVersion;

    /// <summary>
    /// Layout version written for <see cref="LstmVolatilityForecaster"/> (<see cref="CurrentVersion"/>). Older layouts still load:
    /// 1 (neither GARCH input nor exogenous standardisation), 2 (adds them), 3 (adds the number of direct heads and the training
    /// loss; version 1 and 2 files load with Horizons = 1 and Loss = Qlike).
    /// </summary>
    public const int LstmVolatilityForecasterVersion = Volatility.Neural.LstmVolatilityForecaster.ArchiveVersion;
}
