using MlNetLstm.Data;

namespace MlNetLstm.Tests.Data;

public class ExogenousSeriesTests
{
    [Fact]
    public void Rows_columns_and_slices_address_the_same_values()
    {
        var x = ExogenousSeries.FromColumns([new("a", [1, 2, 3, 4]), new("b", [10, 20, 30, 40])]);
        x.Count.Should().Be(4);
        x.Width.Should().Be(2);
        x.Values.ToArray().Should().Equal(1, 10, 2, 20, 3, 30, 4, 40);
        x.Row(2).ToArray().Should().Equal(3, 30);
        x.Column("b").Should().Equal(10, 20, 30, 40);
        ExogenousSeries s = x.Slice(1, 2);
        s.Count.Should().Be(2);
        s[0, 0].Should().Be(2);
        s[1, 1].Should().Be(30);
        s.Values.ToArray().Should().Equal(2, 20, 3, 30);
        s.Slice(1, 1).Row(0).ToArray().Should().Equal(3, 30);
        x.Slice(4, 0).Count.Should().Be(0);
    }

    [Fact]
    public void Bad_input_names_the_row_column_or_argument()
    {
        FluentActions.Invoking(() => ExogenousSeries.FromColumns([new("a", [1, 2]), new("b", [1, double.NaN])]))
            .Should().Throw<ArgumentException>().WithMessage("*'b'*NaN*row 1*");
        FluentActions.Invoking(() => ExogenousSeries.FromColumns([new("a", [1, 2]), new("b", [1])]))
            .Should().Throw<ArgumentException>().WithMessage("*'b' has 1 values*'a' has 2*");
        FluentActions.Invoking(() => new ExogenousSeries(["a", "a"], [1, 2])).Should().Throw<ArgumentException>().WithMessage("*Duplicate*'a'*");
        FluentActions.Invoking(() => new ExogenousSeries(["a", "b"], [1, 2, 3])).Should().Throw<ArgumentException>().WithMessage("*not a multiple of the 2 columns*");
        FluentActions.Invoking(() => new ExogenousSeries([], [1])).Should().Throw<ArgumentException>().WithParameterName("names");
        FluentActions.Invoking(() => new ExogenousSeries(["a\nb"], [1])).Should().Throw<ArgumentException>().WithMessage("*control character*");
        var x = ExogenousSeries.FromColumn("a", [1, 2, 3]);
        x.Invoking(v => v.Slice(2, 2)).Should().Throw<ArgumentOutOfRangeException>();
        x.Invoking(v => v.Row(3)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("row");
        x.Invoking(v => v.Column("z")).Should().Throw<KeyNotFoundException>().WithMessage("*'z'*columns: a*");
        x.Invoking(v => v.EnsureAligned(4, "exogenous")).Should().Throw<ArgumentException>().WithParameterName("exogenous").WithMessage("*3 rows*4*");
    }

    [Fact]
    public void Values_are_copied_on_construction()
    {
        double[] v = [1, 2];
        var x = ExogenousSeries.FromColumn("a", v);
        v[0] = 99;
        x[0, 0].Should().Be(1);
    }
}
