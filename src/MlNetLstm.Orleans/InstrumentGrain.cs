using Microsoft.Extensions.Logging;

namespace MlNetLstm.Orleans;

/// <summary>
/// The grain of one instrument (<see cref="IInstrumentGrain"/>): a streaming volatility model, O(1) per observation, refitted in
/// the background on the last <see cref="InstrumentSettings.TrainSize"/> returns every <see cref="InstrumentSettings.RefitEvery"/>
/// returns, on a reminder (<see cref="InstrumentSettings.RefitPeriod"/>) or on request. A finished refit replays the returns
/// observed while it ran, so the new model's stream is exactly the one a fit at that point would have.
/// </summary>
public sealed class InstrumentGrain : Grain, IInstrumentGrain, IRemindable
{
    /// <summary>Returns kept beyond the training window, so that a refit can catch up with those observed while it ran.</summary>
    public const int CatchUpSlack = 512;

    private const string ReminderName = "refit";
    private readonly IPersistentState<InstrumentState> _state;
    private readonly ILogger<InstrumentGrain> _log;
    private readonly ILocalSiloDetails _silo;
    private StreamingModel? _model;
    private Task<StreamingModel>? _refit;
    private long _refitId, _refitAnchor;
    private bool _stale;

    /// <summary>Creates the grain (by Orleans).</summary>
    public InstrumentGrain([PersistentState("instrument", Hosting.StorageName)] IPersistentState<InstrumentState> state, ILogger<InstrumentGrain> log, ILocalSiloDetails silo)
    {
        _silo = silo;
        _state = state;
        _log = log;
    }

    private InstrumentState S => _state.State;

    private InstrumentSettings Settings => S.Settings ?? new InstrumentSettings();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        LoadModel();
        _log.LogInformation("Instrument {Id} activated: {Returns} returns, model version {Version}", this.GetPrimaryKeyString(), S.Returns, S.ModelVersion);
        if (S.Settings?.RefitPeriod is { } period) await this.RegisterOrUpdateReminder(ReminderName, period, period, cancellationToken);
    }

    /// <summary>
    /// Writes the state; a call that changed the state returns only after this succeeded, so an acknowledged observation is stored.
    /// When the write fails (database unreachable, a timeout, or another activation wrote first) the in-memory state may be ahead of
    /// the stored one: the activation is marked stale, so its next call first reloads what is stored (and fails if that cannot be
    /// read), and a retried observation is then applied again, or recognised as a duplicate if the failed write did reach the
    /// database. The activation is also dropped when idle.
    /// </summary>
    private async Task Persist()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "Instrument {Id}: writing the state failed; the stored state is reloaded before the next call", this.GetPrimaryKeyString());
            _stale = true;
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Reloads the stored state after a failed write (see <see cref="Persist"/>); a refit started from the unstored state is ignored when it ends.</summary>
    private async Task EnsureCurrent()
    {
        if (!_stale) return;
        _model = null;
        _refit = null;
        _refitId++;
        await _state.ReadStateAsync();
        LoadModel();
        _stale = false;
        _log.LogInformation("Instrument {Id}: stored state reloaded after a failed write: {Returns} returns, model version {Version}", this.GetPrimaryKeyString(), S.Returns, S.ModelVersion);
    }

    private void LoadModel() =>
        _model = S.Model is { } bytes
            ? StreamingModel.Load(bytes, S.Stream ?? throw new InvalidDataException($"Instrument '{this.GetPrimaryKeyString()}': a model is stored without its stream state."))
            : null;

    /// <inheritdoc />
    public async Task Configure(InstrumentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        await EnsureCurrent();
        if (S.Settings is { } current && current != settings && (S.Returns > 0 || S.LastPrice is not null))
            throw new ArgumentException($"Instrument '{this.GetPrimaryKeyString()}' already has observations under other settings; settings cannot change.", nameof(settings));
        if (S.Settings == settings) return;
        S.Settings = settings;
        await Persist();
        if (settings.RefitPeriod is { } period) await this.RegisterOrUpdateReminder(ReminderName, period, period);
    }

    /// <inheritdoc />
    public async Task<ObservationResult> Observe(DateOnly date, double value)
    {
        await EnsureCurrent();
        var result = Apply(date, value);
        if (result.Applied) await Persist();
        return result;
    }

    /// <inheritdoc />
    public async Task<ObservationResult[]> ObserveMany(Observation[] observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        await EnsureCurrent();
        var results = new ObservationResult[observations.Length];
        for (int i = 0; i < observations.Length; i++) results[i] = Apply(observations[i].Date, observations[i].Value);
        if (results.Any(r => r.Applied)) await Persist();
        return results;
    }

    private ObservationResult Apply(DateOnly date, double value)
    {
        string id = this.GetPrimaryKeyString();
        if (!double.IsFinite(value)) throw new ArgumentException($"Instrument '{id}', {date:yyyy-MM-dd}: value {value} is not finite.", nameof(value));
        if (S.LastDate is { } last && date <= last)
        {
            if (date == last && value != S.LastValue)
                throw new ArgumentException($"Instrument '{id}': {date:yyyy-MM-dd} was already observed with value {S.LastValue}; {value} conflicts with it.", nameof(value));
            return Result(date, applied: false);
        }

        var settings = Settings;
        double r;
        if (settings.Input == ObservationKind.Price)
        {
            if (!(value > 0)) throw new ArgumentException($"Instrument '{id}', {date:yyyy-MM-dd}: price {value} is not positive.", nameof(value));
            double? previous = S.LastPrice;
            S.LastPrice = value;
            S.LastDate = date;
            S.LastValue = value;
            S.Settings ??= settings;
            if (previous is null) return Result(date, applied: true);
            r = 100 * Math.Log(value / previous.Value);
        }
        else
        {
            r = value;
        }

        S.Settings ??= settings;
        S.LastDate = date;
        S.LastValue = value;
        int keep = settings.TrainSize + CatchUpSlack;
        var recent = S.Recent;
        if (recent.Length < keep)
        {
            Array.Resize(ref recent, recent.Length + 1);
        }
        else
        {
            Array.Copy(recent, 1, recent, 0, recent.Length - 1);
        }
        recent[^1] = r;
        S.Recent = recent;
        S.Returns++;
        _model?.Update(r);
        if (_model is not null) S.Stream = _model.GetState();

        if (_refit is null && S.Returns >= settings.TrainSize
            && (_model is null || (settings.RefitEvery > 0 && S.Returns - S.FittedThrough >= settings.RefitEvery)))
            StartRefit();
        return Result(date, applied: true);
    }

    private ObservationResult Result(DateOnly date, bool applied) => new()
    {
        Date = date,
        Applied = applied,
        Returns = S.Returns,
        NextVariance = _model?.Forecast(1)[0],
        ModelVersion = S.ModelVersion,
    };

    /// <inheritdoc />
    public async Task<double[]> Forecast(int horizon)
    {
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1.");
        await EnsureCurrent();
        if (_model is null)
            throw new InvalidOperationException($"Instrument '{this.GetPrimaryKeyString()}' has no fitted model yet ({S.Returns} of {Settings.TrainSize} returns{(_refit is null ? string.Empty : "; the first fit is running")}).");
        return _model.Forecast(horizon);
    }

    /// <inheritdoc />
    public async Task<bool> RequestRefit()
    {
        await EnsureCurrent();
        if (_refit is not null || S.Returns < Settings.TrainSize) return false;
        StartRefit();
        return true;
    }

    /// <inheritdoc />
    public async Task<InstrumentStatus> GetStatus()
    {
        await EnsureCurrent();
        return new InstrumentStatus
        {
            Settings = Settings,
            LastDate = S.LastDate,
            Returns = S.Returns,
            ModelVersion = S.ModelVersion,
            FittedThrough = S.FittedThrough,
            RefitRunning = _refit is not null,
            ModelBytes = S.Model?.Length ?? 0,
            LastRefitError = S.LastRefitError,
            Silo = _silo.SiloAddress.ToString(),
        };
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName) await RequestRefit();
    }

    private void StartRefit()
    {
        var settings = Settings;
        int n = settings.TrainSize;
        double[] window = S.Recent[^n..];
        long id = ++_refitId;
        _refitAnchor = S.Returns;
        var self = this.AsReference<IInstrumentGrain>();
        _log.LogInformation("Instrument {Id}: refit {Refit} of {Model} on returns [{From}, {To}) started", this.GetPrimaryKeyString(), id, settings.Model.Models[0], _refitAnchor - n, _refitAnchor);
        _refit = Task.Run(() => StreamingModel.Fit(settings.Model, window));
        // Installed through a grain call, so it runs as a turn of its own between observations.
        _refit.ContinueWith(_ => self.CompleteRefit(id), TaskScheduler.Default);
    }

    /// <inheritdoc />
    public async Task CompleteRefit(long refitId)
    {
        await EnsureCurrent();
        if (refitId != _refitId || _refit is not { IsCompleted: true } task) return;
        _refit = null;
        string id = this.GetPrimaryKeyString();
        if (!task.IsCompletedSuccessfully)
        {
            var ex = task.Exception?.GetBaseException();
            S.LastRefitError = ex?.Message ?? "cancelled";
            _log.LogError(ex, "Instrument {Id}: refit {Refit} failed", id, refitId);
            await Persist();
            return;
        }

        StreamingModel model = task.Result;
        long behind = S.Returns - _refitAnchor;
        if (behind > S.Recent.Length)
        {
            S.LastRefitError = $"{behind} returns arrived while the refit ran; more than the {S.Recent.Length} kept to catch up.";
            _log.LogWarning("Instrument {Id}: refit {Refit} discarded: {Why}", id, refitId, S.LastRefitError);
            return;
        }
        for (long k = S.Recent.Length - behind; k < S.Recent.Length; k++) model.Update(S.Recent[k]);
        _model = model;
        S.Model = model.Bytes;
        S.Stream = model.GetState();
        S.ModelVersion++;
        S.FittedThrough = _refitAnchor;
        S.LastRefitError = null;
        await Persist();
        _log.LogInformation("Instrument {Id}: model version {Version} installed ({Bytes} bytes, caught up {Behind} returns)", id, S.ModelVersion, model.Bytes.Length, behind);
        if (_refit is null && Settings.RefitEvery > 0 && S.Returns - S.FittedThrough >= Settings.RefitEvery) StartRefit();
    }
}
