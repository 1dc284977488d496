using System.Reflection;
using Microsoft.ML;

namespace MlNetLstm.MLNet.Tests;

public class MlNetVersionTests
{
    /// <summary>
    /// The tests run against the Microsoft.ML the build asked for (6.0.0 by default; CI also builds with -p:MlNetVersion=5.0.1),
    /// so a run that claims 5.0.1 really loaded 5.0.1.
    /// </summary>
    [Fact]
    public void The_loaded_MLNet_is_the_version_the_build_asked_for()
    {
        string expected = typeof(MlNetVersionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MlNetVersion").Value!;
        expected.Should().MatchRegex(@"^\d+\.\d+\.\d+");
        string loaded = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        loaded.Should().StartWith(expected + "+", "Microsoft.ML.Data's informational version is VERSION+commit");
    }
}
