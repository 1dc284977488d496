using MlNetLstm.Forecasting;
using MlNetLstm.Models;
using MlNetLstm.Persistence;
using MlNetLstm.Persistence.Format;
using static MlNetLstm.Tests.Persistence.PersistenceFixtures;

namespace MlNetLstm.Tests.Robustness;

/// <summary>
/// The archive readers inside the model classes (<see cref="RecurrentNetwork.FromArchive"/>, <see cref="LstmForecastModel.FromArchive"/>)
/// read the same files as <see cref="ModelSerializer"/> and document <see cref="InvalidDataException"/> for bad contents.
/// </summary>
public class LegacyArchiveReaderTests
{
    [Fact] // was a recorded bug; FromArchive now delegates to the strict ModelSerializer reader
    public void Network_archive_reader_rejects_an_empty_spec_entry_with_invalid_data()
    {
        ModelArchive a = Edit(Network(1).ToArchive(), "spec/hidden", b => b.Add("spec/hidden", Array.Empty<int>()));
        FluentActions.Invoking(() => RecurrentNetwork.FromArchive(a)).Should().Throw<InvalidDataException>();
    }

    [Fact] // was a recorded bug; FromArchive now delegates to the strict ModelSerializer reader
    public void Network_archive_reader_rejects_a_huge_claimed_size_without_allocating_it()
    {
        ModelArchive a = Edit(Network(1).ToArchive(), "spec/hidden", b => b.AddScalar("spec/hidden", 100000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        FluentActions.Invoking(() => RecurrentNetwork.FromArchive(a)).Should().Throw<InvalidDataException>();
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(64L << 20);
    }

    [Fact] // was a recorded bug; FromArchive now delegates to the strict ModelSerializer reader
    public void Forecaster_archive_reader_rejects_an_invalid_report()
    {
        ModelArchive a = ForecastModel.ToArchive();
        FluentActions.Invoking(() => LstmForecastModel.FromArchive(Edit(a, "report/stop_reason", b => b.AddText("report/stop_reason", "5"))))
            .Should().Throw<InvalidDataException>().WithMessage("*'report/stop_reason' = '5' is not a known StopReason*");
        FluentActions.Invoking(() => LstmForecastModel.FromArchive(Edit(a, "report/best_epoch", b => b.Add("report/best_epoch", new[] { 1, 2 }))))
            .Should().Throw<InvalidDataException>().WithMessage("*'report/best_epoch' must be a scalar*");
    }

    [Fact]
    public void Both_readers_accept_the_same_valid_files()
    {
        ModelArchive net = Network(0).ToArchive();
        RecurrentNetwork.FromArchive(net).Parameters.ToArray().Should().Equal(ModelSerializer.ReadRecurrentNetwork(net).Parameters.ToArray());
        ModelArchive f = ForecastModel.ToArchive();
        LstmForecastModel.FromArchive(f).Predict(ForecastSeries.AsSpan(0, 8)).Should().Equal(ModelSerializer.ReadForecastModel(f).Predict(ForecastSeries.AsSpan(0, 8)));
    }
}
