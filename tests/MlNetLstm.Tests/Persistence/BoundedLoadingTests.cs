using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using MlNetLstm.Ssa;
using MlNetLstm.Volatility;
using MlNetLstm.Volatility.Har;
using MlNetLstm.Volatility.Neural;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Persistence;

/// <summary>
/// Issue 17: loading costs no more than reading the file. Stored fitted state is loaded without refitting (HAR, SSA, GARCH);
/// legacy files that can only be refitted are refused when the refit would cost more than their size allows; loaded values are
/// checked against the model's own constraints; the PyTorch reader shares storages and checks zip CRCs; saves clean up the
/// temporary files of interrupted saves.
/// </summary>
public sealed class BoundedLoadingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetlstm-bounded-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModelArchive ThroughBytes(ModelArchive a) => ModelFile.FromBytes(ModelFile.ToBytes(a));

    private static long Allocated(Action a)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        a();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    // ------------------------------------------------------------------------------------------------ A. HAR

    [Fact]
    public void Har_files_store_the_fitted_regressions_and_load_them_without_the_proxy()
    {
        HarModel model = Har;
        ModelArchive a = ThroughBytes(ModelSerializer.ToArchive(model));
        a.KindVersion.Should().Be(ModelKinds.HarModelVersion);
        a.Contains("proxy").Should().BeFalse("the fitted regressions are stored, so the proxy is not needed to load");
        HarModel back = ModelSerializer.ReadHarModel(a);
        back.Floor.Should().Be(model.Floor);
        back.Regressions.Should().HaveCount(model.Regressions.Count);
        for (int i = 0; i < model.Regressions.Count; i++)
        {
            var (x, y) = (back.Regressions[i], model.Regressions[i]);
            x.Coefficients.Should().Equal(y.Coefficients);
            x.StandardErrors.Should().Equal(y.StandardErrors);
            x.HacStandardErrors.Should().Equal(y.HacStandardErrors);
            x.Residuals.Should().Equal(y.Residuals);
            x.RSquared.Should().Be(y.RSquared);
            x.ResidualVariance.Should().Be(y.ResidualVariance);
            x.Observations.Should().Be(y.Observations);
            x.HacLags.Should().Be(y.HacLags);
        }
        back.Forecast(HarProxy, 5).Should().Equal(model.Forecast(HarProxy, 5));
        back.Options.ForecastMethod.Should().Be(model.Options.ForecastMethod);

        // The level (iterated) variant too.
        HarModel level = HarModel.Fit(HarProxy, new HarOptions());
        ModelSerializer.ReadHarModel(ThroughBytes(ModelSerializer.ToArchive(level))).Forecast(HarProxy, 7).Should().Equal(level.Forecast(HarProxy, 7));
    }

    [Fact]
    public void Har_files_whose_regressions_do_not_match_their_options_are_refused_before_any_work()
    {
        ModelArchive a = ModelSerializer.ToArchive(Har);
        // Ask for 100000 direct regressions (or a sample of 2^31 - 1 values) while storing 5 regressions on 300 values: refused
        // on the sizes, without allocating for what the file asks.
        ModelArchive big = ThroughBytes(Edit(a, "options/max_horizon", b => b.AddScalar("options/max_horizon", 100_000)));
        ModelArchive longer = ThroughBytes(Edit(a, "proxy_length", b => b.AddScalar("proxy_length", int.MaxValue)));
        long allocated = Allocated(() =>
        {
            FluentActions.Invoking(() => ModelSerializer.ReadHarModel(big)).Should().Throw<InvalidDataException>()
                .WithMessage("*'proxy_length' = 300 is shorter than the 100032 values*");
            FluentActions.Invoking(() => ModelSerializer.ReadHarModel(longer)).Should().Throw<InvalidDataException>()
                .WithMessage("*'regressions/residuals' has 1380 values, expected 10737418115*");
        });
        allocated.Should().BeLessThan(1 << 20);
        FluentActions.Invoking(() => ModelSerializer.ReadHarModel(Edit(a, "options/max_horizon", b => b.AddScalar("options/max_horizon", 4))))
            .Should().Throw<InvalidDataException>().WithMessage("*'regressions/coefficients' has shape [5, 4], expected [4, 4]*");
        double[] c = a["regressions/coefficients"].AsDoubles();
        c[3] = double.NaN;
        FluentActions.Invoking(() => ModelSerializer.ReadHarModel(Edit(a, "regressions/coefficients", b => b.Add("regressions/coefficients", c, 5, 4))))
            .Should().Throw<InvalidDataException>().WithMessage("*'regressions/coefficients' holds NaN at index 3*");
        double[] u = a["regressions/residuals"].AsDoubles();
        u[0] = 800; // exp(800) overflows: the log-HAR smearing factor would be infinite
        FluentActions.Invoking(() => ModelSerializer.ReadHarModel(Edit(a, "regressions/residuals", b => b.Add("regressions/residuals", u))))
            .Should().Throw<InvalidDataException>().WithMessage("*'regressions/residuals'*smearing*not finite*");
    }

    /// <summary>A version-1 HAR file (options + proxy, loaded by refitting) that asks for <paramref name="horizons"/> direct regressions.</summary>
    private static ModelArchive LegacyHar(int n, int horizons)
    {
        var rng = new Random(5);
        var b = new ModelArchiveBuilder(ModelKinds.HarModel, 1);
        b.AddScalar("options/weekly_window", 5).AddScalar("options/monthly_window", 22).AddScalar("options/log", 0)
            .AddScalar("options/log_floor_fraction", 1e-3).AddScalar("options/forecast_method", 1).AddScalar("options/max_horizon", horizons)
            .Add("options/newey_west_lags", Array.Empty<int>())
            .Add("proxy", Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray())
            .Add("coefficients", new double[horizons * 4], horizons, 4)
            .AddScalar("floor", 0.0);
        return ThroughBytes(b.Build());
    }

    [Fact]
    public void A_legacy_har_file_whose_refit_would_cost_more_than_its_size_allows_is_refused_before_fitting()
    {
        // 2000 proxy values and 600 direct regressions: refitting costs billions of operations for a 35 KB file.
        ModelArchive a = LegacyHar(2000, 600);
        FluentActions.Invoking(() => ModelSerializer.ReadHarModel(a)).Should().Throw<InvalidDataException>()
            .WithMessage("*'options/max_horizon' = 600*refit*more than*");
        // A legacy file whose coefficient shape does not match its options is refused on the shape, before fitting.
        var b = new ModelArchiveBuilder(ModelKinds.HarModel, 1);
        foreach (ArchiveEntry e in LegacyHar(300, 5).Entries)
            if (e.Name == "coefficients") b.Add("coefficients", new double[4], 1, 4); else Copy(b, e);
        FluentActions.Invoking(() => ModelSerializer.ReadHarModel(b.Build())).Should().Throw<InvalidDataException>()
            .WithMessage("*'coefficients' has shape [1, 4], expected [5, 4]*");
    }

    // ------------------------------------------------------------------------------------------------ B. SSA

    [Fact]
    public void Ssa_files_store_the_subspace_and_recurrence_and_load_without_refitting()
    {
        foreach (SsaForecaster model in new[] { SsaModel, SsaForecaster.Fit(SsaSeries, new SsaOptions { WindowSize = 10, TrainSize = 120, SeriesLength = 60, IsAdaptive = true, DiscountFactor = 0.98, Horizon = 4 }) })
        {
            ModelArchive a = ThroughBytes(ModelSerializer.ToArchive(model));
            a.KindVersion.Should().Be(ModelKinds.SsaForecasterVersion);
            a.Contains("series").Should().BeFalse();
            a.Contains("subspace/basis").Should().BeTrue();
            SsaForecaster back = ModelSerializer.ReadSsaForecaster(a);
            back.Forecast().Values.Should().Equal(model.Forecast().Values);
            back.Forecast().UpperBounds.Should().Equal(model.Forecast().UpperBounds);
            back.SingularValues.Should().Equal(model.SingularValues);
            back.RecurrenceCoefficients.Should().Equal(model.RecurrenceCoefficients);
            back.ResidualStandardDeviation.Should().Be(model.ResidualStandardDeviation);
            back.ObservationCount.Should().Be(model.ObservationCount);
            back.SeriesLength.Should().Be(model.SeriesLength);
            // The online state continues identically (adaptive engines re-estimate from the stored buffer).
            SsaForecastEngine e1 = back.CreateEngine(), e2 = model.CreateEngine();
            foreach (double x in new[] { 0.3, -0.2, 0.7 }) { e1.Update(x); e2.Update(x); }
            e1.Forecast().Values.Should().Equal(e2.Forecast().Values);
        }
    }

    [Fact]
    public void Ssa_files_with_inconsistent_subspaces_are_refused_before_any_work()
    {
        ModelArchive a = ModelSerializer.ToArchive(SsaModel);
        ModelArchive wide = ThroughBytes(Edit(a, "options/window_size", b => b.AddScalar("options/window_size", 20_000)));
        long allocated = Allocated(() => FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(wide)).Should().Throw<InvalidDataException>()
            .WithMessage("*2·WindowSize = 40000*"));
        allocated.Should().BeLessThan(1 << 20);
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(a, "subspace/eigenvalues", b => b.Add("subspace/eigenvalues", new double[13]))))
            .Should().Throw<InvalidDataException>().WithMessage("*'subspace/eigenvalues' has 13 values, expected 12*");
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(a, "state/buffer", b => b.Add("state/buffer", new double[5_000]))))
            .Should().Throw<InvalidDataException>().WithMessage("*'state/buffer' has 5000 values, expected 100*");
        double[] r = a["subspace/recurrence"].AsDoubles();
        r[2] += 0.5;
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(a, "subspace/recurrence", b => b.Add("subspace/recurrence", r))))
            .Should().Throw<InvalidDataException>().WithMessage("*'subspace/recurrence'*differs from the recurrence of the stored basis*");
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(a, "subspace/residual_std", b => b.AddScalar("subspace/residual_std", -1.0))))
            .Should().Throw<InvalidDataException>().WithMessage("*'subspace/residual_std' = -1*");
        double[] basis = a["subspace/basis"].AsDoubles();
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(Edit(a, "subspace/basis", b => b.Add("subspace/basis", basis, 4, 12))))
            .Should().Throw<InvalidDataException>().WithMessage("*'subspace/basis' has shape [4, 12], expected [12, 4]*");
    }

    [Fact]
    public void A_legacy_ssa_file_whose_refit_would_cost_more_than_its_size_allows_is_refused_before_fitting()
    {
        // Version 1 stored the series and refitted: n = 2000, window 1000 means a 1000 x 1000 lag covariance and its SVD.
        var b = new ModelArchiveBuilder(ModelKinds.SsaForecaster, 1);
        b.AddScalar("options/window_size", 1000).Add("options/series_length", Array.Empty<int>()).Add("options/train_size", Array.Empty<int>())
            .AddScalar("options/horizon", 1).AddScalar("options/confidence_level", 0.95).Add("options/rank", Array.Empty<int>())
            .Add("options/max_rank", Array.Empty<int>()).Add("options/energy_threshold", Array.Empty<double>())
            .AddScalar("options/discount_factor", 1.0).AddScalar("options/adaptive", 0)
            .Add("series", Enumerable.Range(0, 2000).Select(t => Math.Sin(t / 7.0)).ToArray())
            .AddScalar("rank", 2).Add("singular_values", new double[1000]).Add("recurrence", new double[999]).Add("forecast", new double[1]);
        ModelArchive a = ThroughBytes(b.Build());
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(a)).Should().Throw<InvalidDataException>()
            .WithMessage("*'options/window_size' = 1000*refit*more than*");
    }

    [Fact]
    public void A_trusted_legacy_file_beyond_the_bound_loads_on_request_and_upgrades_to_stored_state()
    {
        // A genuine layout-1 file of an adaptive forecaster with 300 online updates: its refit re-estimates 301 times, more than
        // the bound allows for its size; the caller who trusts it can still load it and save it in layout 4.
        double[] series = Enumerable.Range(0, 420).Select(t => Math.Sin(t / 5.0) + 0.5 * Math.Sin(t / 13.0) + 0.05 * Math.Cos(t * 1.7)).ToArray();
        var o = new SsaOptions { WindowSize = 40, TrainSize = 120, SeriesLength = 80, IsAdaptive = true, Horizon = 3 };
        SsaForecaster model = SsaForecaster.Fit(series, o);
        var b = new ModelArchiveBuilder(ModelKinds.SsaForecaster, 1);
        b.AddScalar("options/window_size", 40).Add("options/series_length", new[] { 80 }).Add("options/train_size", new[] { 120 })
            .AddScalar("options/horizon", 3).AddScalar("options/confidence_level", o.ConfidenceLevel).Add("options/rank", Array.Empty<int>())
            .Add("options/max_rank", Array.Empty<int>()).Add("options/energy_threshold", Array.Empty<double>())
            .AddScalar("options/discount_factor", o.DiscountFactor).AddScalar("options/adaptive", 1).Add("series", series)
            .AddScalar("rank", model.Rank).Add("singular_values", model.SingularValues.ToArray()).Add("recurrence", model.RecurrenceCoefficients.ToArray())
            .Add("forecast", model.Forecast().Values.ToArray());
        ModelArchive legacy = ThroughBytes(b.Build());
        FluentActions.Invoking(() => ModelSerializer.ReadSsaForecaster(legacy)).Should().Throw<InvalidDataException>()
            .WithMessage("*'options/window_size' = 40*refit*more than*ReadSsaForecaster(archive, true)*");
        SsaForecaster loaded = ModelSerializer.ReadSsaForecaster(legacy, allowUnboundedLegacyRefit: true);
        loaded.Forecast().Values.Should().Equal(model.Forecast().Values);
        SsaForecaster upgraded = ModelSerializer.ReadSsaForecaster(ThroughBytes(ModelSerializer.ToArchive(loaded)));
        upgraded.Forecast().Values.Should().Equal(model.Forecast().Values);
        upgraded.ObservationCount.Should().Be(420);
    }

    // ------------------------------------------------------------------------------------------------ GARCH and D. values

    [Fact]
    public void Garch_fits_are_restored_with_their_estimation_summary_without_re_estimating()
    {
        ArchFitResult fit = ArchFit;
        StoredArchFit stored = ModelSerializer.ReadArchFit(ThroughBytes(ModelSerializer.ToArchive(fit)));
        // The restored fit carries the original optimiser report and standard errors (FixedParameters would say "fixed").
        stored.Result.Convergence.Should().Be(fit.Convergence);
        stored.Result.StandardErrors.Should().Equal(fit.StandardErrors);
        stored.Result.RobustStandardErrors.Should().Equal(fit.RobustStandardErrors);
        stored.Result.StandardErrorsAvailable.Should().Be(fit.StandardErrorsAvailable);
        stored.Result.LogLikelihood.Should().Be(fit.LogLikelihood);
        stored.Result.Aic.Should().Be(fit.Aic);
        stored.Result.ConditionalVariances.Should().Equal(fit.ConditionalVariances);
        stored.Result.StandardisedResiduals.Should().Equal(fit.StandardisedResiduals);
        stored.Result.Forecast(10).ResidualVariance.Should().Equal(fit.Forecast(10).ResidualVariance);
        stored.Result.Persistence.Should().Be(fit.Persistence);
        stored.Result.AtStationarityBoundary.Should().Be(fit.AtStationarityBoundary);
        stored.Result.Summary().Should().Be(fit.Summary(), "the restored fit reports exactly what the estimated one did");
        foreach (ArchFitResult v in ArchVariants())
        {
            ArchFitResult back = ModelSerializer.ReadArchFit(ThroughBytes(ModelSerializer.ToArchive(v))).Result;
            back.Convergence.Should().Be(v.Convergence);
            back.LogLikelihood.Should().Be(v.LogLikelihood);
            back.StandardErrors.Should().Equal(v.StandardErrors);
        }
    }

    [Fact]
    public void Garch_files_with_edited_or_inadmissible_parameters_are_refused_naming_the_entry_and_the_value()
    {
        ModelArchive g = ModelSerializer.ToArchive(ArchFit); // constant mean, GARCH(1,1), Student's t: [mu, omega, alpha, beta, nu]
        double[] p = g["parameters/values"].AsDoubles();
        double[] huge = (double[])p.Clone();
        huge[1] = 1e300;
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "parameters/values", b => b.Add("parameters/values", huge))))
            .Should().Throw<InvalidDataException>().WithMessage("*'fit/log_likelihood'*parameters/values*omega = 1E+300*inconsistent*");
        double[] loglik = (double[])p.Clone();
        loglik[2] *= 1.01; // small, admissible change: the stored log-likelihood no longer matches
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "parameters/values", b => b.Add("parameters/values", loglik))))
            .Should().Throw<InvalidDataException>().WithMessage("*'fit/log_likelihood'*inconsistent*");
        double[] explosive = (double[])p.Clone();
        explosive[3] = 1 - explosive[2]; // alpha + beta = 1: not stationary
        FluentActions.Invoking(() => ModelSerializer.ReadArchFit(Edit(g, "parameters/values", b => b.Add("parameters/values", explosive))))
            .Should().Throw<InvalidDataException>().WithMessage("*not admissible*stationarity*");
    }

    [Fact]
    public void Volatility_forecasters_with_absurd_scales_or_garch_inputs_are_refused_naming_the_entry_and_the_value()
    {
        ModelArchive v = ModelSerializer.ToArchive(VolatilityModel);
        foreach (double scale in new[] { 5e-324, 1e300 })
            FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(v, "scale", b => b.AddScalar("scale", scale))))
                .Should().Throw<InvalidDataException>().WithMessage($"*'scale' = {scale}*");

        ModelArchive g = ModelFile.Load(PersistenceTestData.File("v2", "lstm_volatility_forecaster_exog_garch.mlnl"));
        double[] garch = g["inputs/garch"].AsDoubles(); // [mu, omega, alpha, beta, backcast], scaled units
        double[] omega = (double[])garch.Clone();
        omega[1] = 1e300;
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(g, "inputs/garch", b => b.Add("inputs/garch", omega))))
            .Should().Throw<InvalidDataException>().WithMessage("*'inputs/garch'*omega = 1E+300*");
        double[] explosive = (double[])garch.Clone();
        explosive[3] = 1.0;
        FluentActions.Invoking(() => ModelSerializer.ReadVolatilityForecaster(Edit(g, "inputs/garch", b => b.Add("inputs/garch", explosive))))
            .Should().Throw<InvalidDataException>().WithMessage("*'inputs/garch'*stationar*");
        ModelSerializer.ReadVolatilityForecaster(g).Should().NotBeNull("the unmodified file is valid");
    }

    [Fact]
    public void Forecasters_with_a_degenerate_standard_deviation_are_refused_naming_the_entry_and_the_value()
    {
        ModelArchive a = ModelSerializer.ToArchive(ForecastModel);
        FluentActions.Invoking(() => ModelSerializer.ReadForecastModel(Edit(a, "std", b => b.Add("std", new[] { 1e-300 }))))
            .Should().Throw<InvalidDataException>().WithMessage("*'std' holds 1E-300 at index 0*");
    }

    // ------------------------------------------------------------------------------------------------ C. PyTorch

    /// <summary>A state_dict whose <paramref name="refs"/> tensors all view one storage of <paramref name="rows"/> x <paramref name="cols"/> floats.</summary>
    private static byte[] SharedStorageStateDict(int refs, int rows, int cols, bool transposed)
    {
        var p = new MemoryStream();
        void B(params byte[] b) => p.Write(b);
        void S(string s) { byte[] b = Encoding.UTF8.GetBytes(s); B((byte)'X'); p.Write(BitConverter.GetBytes(b.Length)); p.Write(b); }
        void G(string m, string n) { B((byte)'c'); p.Write(Encoding.ASCII.GetBytes(m + "\n" + n + "\n")); }
        void I(int v) { B((byte)'J'); p.Write(BitConverter.GetBytes(v)); }
        B(0x80, 2);
        G("collections", "OrderedDict"); B((byte)')', (byte)'R', (byte)'(');
        for (int t = 0; t < refs; t++)
        {
            S($"w{t}");
            G("torch._utils", "_rebuild_tensor_v2"); B((byte)'(', (byte)'(');
            S("storage"); G("torch", "FloatStorage"); S("0"); S("cpu"); I(rows * cols); B((byte)'t', (byte)'Q');
            I(0);
            B((byte)'('); if (transposed) { I(cols); I(rows); } else { I(rows); I(cols); } B((byte)'t');
            B((byte)'('); if (transposed) { I(1); I(cols); } else { I(cols); I(1); } B((byte)'t');
            B(0x89); G("collections", "OrderedDict"); B((byte)')', (byte)'R', (byte)'t', (byte)'R');
        }
        B((byte)'u', (byte)'.');
        float[] storage = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, ReadOnlySpan<byte> data) { using Stream s = zip.CreateEntry("a/" + name, CompressionLevel.NoCompression).Open(); s.Write(data); }
            Add("data.pkl", p.ToArray());
            Add("data/0", MemoryMarshal.AsBytes(storage.AsSpan()));
            Add("version", "3\n"u8);
        }
        return ms.ToArray();
    }

    [Fact]
    public void Torch_views_of_one_storage_share_it_as_torch_load_does()
    {
        byte[] file = SharedStorageStateDict(refs: 128, rows: 512, cols: 512, transposed: false); // one 1 MiB storage, 128 views
        IReadOnlyList<KeyValuePair<string, TorchTensor>> tensors = null!;
        long allocated = Allocated(() => tensors = TorchStateDict.FromBytes(file));
        allocated.Should().BeLessThan(4L * file.Length + (4 << 20), "the storage is read once and every view shares it (128 copies would be 128 MiB)");
        tensors.Should().HaveCount(128);
        foreach (var (_, t) in tensors)
        {
            t.Shape.Should().Equal(512, 512);
            t.Data[0].Should().Be(0f);
            t.Data[512 * 512 - 1].Should().Be(512 * 512 - 1);
        }
    }

    [Fact]
    public void Torch_views_that_must_be_copied_are_bounded_by_the_bytes_in_the_file()
    {
        // Two transposed (non-contiguous) views are copied, which is fine; the values follow the strides.
        var two = TorchStateDict.FromBytes(SharedStorageStateDict(refs: 2, rows: 3, cols: 4, transposed: true));
        two[0].Value.Shape.Should().Equal(4, 3);
        two[0].Value.Data.ToArray().Should().Equal(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        // 64 transposed views of a 1 MiB storage would materialise 64 MiB from a 1 MiB file: refused.
        byte[] file = SharedStorageStateDict(refs: 64, rows: 512, cols: 512, transposed: true);
        long allocated = Allocated(() => FluentActions.Invoking(() => TorchStateDict.FromBytes(file)).Should().Throw<InvalidDataException>()
            .WithMessage("*more than the*bytes in the file*"));
        allocated.Should().BeLessThan(4L * file.Length + (4 << 20));
    }

    [Fact]
    public void Torch_zip_records_whose_crc_does_not_match_are_refused()
    {
        RecurrentNetwork net = Network(3);
        byte[] file = TorchStateDict.ToBytes(TorchStateDict.FromNetwork(net));
        byte[] firstTensor = MemoryMarshal.AsBytes(TorchStateDict.FromNetwork(net)[0].Value.Data).ToArray();
        int at = file.AsSpan().IndexOf(firstTensor);
        at.Should().BeGreaterThan(0, "records are stored uncompressed");
        file[at + 5] ^= 0x10;
        FluentActions.Invoking(() => TorchStateDict.FromBytes(file)).Should().Throw<InvalidDataException>().WithMessage("*'archive/data/0' fails its CRC check*");
    }

    // ------------------------------------------------------------------------------------------------ E. temporary files

    [Fact]
    public void A_save_removes_the_temporary_files_of_interrupted_saves_to_the_same_path()
    {
        string path = Path.Combine(_dir, "model.mlnl");
        // Temporary files left by killed processes (pid int.MaxValue never runs), one of a live process (this one), one for
        // another target and an unrelated file.
        string dead = Path.Combine(_dir, $".model.mlnl.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        string dead2 = Path.Combine(_dir, $".model.mlnl.{int.MaxValue - 1}.{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(_dir, $".model.mlnl.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string other = Path.Combine(_dir, $".other.mlnl.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        string unrelated = Path.Combine(_dir, ".model.mlnl.notes.tmp");
        foreach (string f in new[] { dead, dead2, live, other, unrelated }) File.WriteAllBytes(f, new byte[100]);
        ModelSerializer.Save(path, Network(0));
        File.Exists(dead).Should().BeFalse();
        File.Exists(dead2).Should().BeFalse();
        File.Exists(live).Should().BeTrue("a running process may still be writing it");
        File.Exists(other).Should().BeTrue("it belongs to another target");
        File.Exists(unrelated).Should().BeTrue();
        ModelSerializer.LoadRecurrentNetwork(path).Parameters.ToArray().Should().Equal(Network(0).Parameters.ToArray());

        string pt = Path.Combine(_dir, "net.pt");
        string deadPt = Path.Combine(_dir, $".net.pt.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(deadPt, new byte[10]);
        TorchStateDict.Write(pt, Network(3));
        File.Exists(deadPt).Should().BeFalse();
    }

    [Fact]
    public void The_folder_is_flushed_after_the_rename()
    {
        string path = Path.Combine(_dir, "synced.mlnl");
        int before = AtomicFile.DirectorySyncCount;
        ModelSerializer.Save(path, Network(0));
        AtomicFile.DirectorySyncCount.Should().BeGreaterThan(before);
        if (!OperatingSystem.IsWindows())
            FluentActions.Invoking(() => AtomicFile.SyncDirectory(Path.Combine(_dir, "missing")))
                .Should().Throw<IOException>().WithMessage("*missing*");
    }
}
