using MlNetLstm.Data;

namespace MlNetLstm.Tests.Data;

public class CsvSeriesReaderTests
{
    private static SeriesData Read(string text, string column = "close", string? date = null, int minRows = 2)
        => CsvSeriesReader.Read(new StringReader(text), column, new CsvSeriesOptions { DateColumn = date, MinimumRows = minRows }, "prices.csv");

    [Fact]
    public void ReadsValuesDatesAndQuotedFields()
    {
        var s = Read("date,\"name, quoted\",close\r\n2020-01-02,\"a \"\"b\"\"\",1.5\r\n2020-01-03,x,2e1\n", date: "date");
        s.Values.Should().Equal(1.5, 20.0);
        s.Dates!.Select(d => d.Day).Should().Equal(2, 3);
        s.Name.Should().Be("close");
    }

    [Theory]
    [InlineData("date,close\n2020-01-02,1\n2020-01-03,\n", 3, "close", "missing value")]
    [InlineData("date,close\n2020-01-02,1\n2020-01-03,abc\n", 3, "close", "'abc' is not a number")]
    [InlineData("date,close\n2020-01-02,1\n2020-01-03,NaN\n", 3, "close", "not finite")]
    [InlineData("date,close\n2020-01-03,1\n2020-01-02,2\n", 3, "date", "not sorted")]
    [InlineData("date,close\n2020-01-02,1\n2020-01-02,2\n", 3, "date", "duplicate date")]
    [InlineData("date,close\n2020-01-02,1\n2020-13-45,2\n", 3, "date", "is not a date")]
    [InlineData("date,close\n2020-01-02,1\n2020-01-03,2,9\n", 3, null, "expected 2 fields")]
    public void BadCellsNameLineAndColumn(string text, int line, string? column, string problem)
    {
        var ex = Assert.Throws<CsvFormatException>(() => Read(text, date: "date"));
        ex.Line.Should().Be(line);
        ex.Column.Should().Be(column);
        ex.Message.Should().Contain(problem).And.Contain($"line {line}").And.Contain("prices.csv");
    }

    [Fact]
    public void LineNumbersCountPhysicalLinesInsideQuotedFields()
    {
        var ex = Assert.Throws<CsvFormatException>(() => Read("note,close\n\"two\nlines\",1\nok,bad\n"));
        ex.Line.Should().Be(4);
    }

    [Fact]
    public void MissingColumnListsAvailableColumns()
    {
        var ex = Assert.Throws<CsvFormatException>(() => Read("date,open\n2020-01-02,1\n", column: "close"));
        ex.Column.Should().Be("close");
        ex.Message.Should().Contain("does not exist").And.Contain("'open'");
    }

    [Fact]
    public void TooFewRowsAndEmptyInputAreErrors()
    {
        Assert.Throws<CsvFormatException>(() => Read("close\n1\n", minRows: 2)).Message.Should().Contain("too few rows");
        Assert.Throws<CsvFormatException>(() => Read(string.Empty)).Message.Should().Contain("empty");
    }

    [Fact]
    public void MissingFileIsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => CsvSeriesReader.ReadFile("/nonexistent/x.csv", "close"));

    [Fact]
    public void PricesToReturns()
    {
        double[] p = { 100, 110, 99 };
        PriceReturns.FromPrices(p, ReturnKind.Simple).Should().Equal(new[] { 0.1, 99.0 / 110 - 1 }, (a, b) => Math.Abs(a - b) < 1e-15);
        PriceReturns.FromPrices(p, ReturnKind.Log, percent: true)[0].Should().BeApproximately(100 * Math.Log(1.1), 1e-12);
        Assert.Throws<ArgumentException>(() => PriceReturns.FromPrices(new double[] { 1, 0, 2 })).Message.Should().Contain("index 1");
        Assert.Throws<ArgumentException>(() => PriceReturns.FromPrices(new double[] { 1 }));
    }

    [Fact]
    public void ReadsTheBundledDem2GbpFile()
    {
        var s = CsvSeriesReader.ReadFile(MlNetLstm.Tests.Volatility.GarchTestData.PathOf("real", "dem2gbp.csv"), "dem2gbp");
        s.Count.Should().Be(1974);
        s.Values[0].Should().Be(0.12533286);
    }
}
