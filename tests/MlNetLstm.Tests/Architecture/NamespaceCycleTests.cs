using System.Runtime.CompilerServices;

namespace MlNetLstm.Tests.Architecture;

/// <summary>
/// The layering of src/MlNetLstm (src/ARCHITECTURE.md): no cycle between namespaces, none tolerated. Any cycle fails the
/// test with the files that cause it.
/// </summary>
public class NamespaceCycleTests
{
    private static string Library([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "src", "MlNetLstm");
    }

    [Fact]
    public void Library_namespaces_form_no_cycle()
    {
        NamespaceGraph graph = NamespaceGraph.ScanFolder(Library());
        graph.Namespaces.Should().Contain(["MlNetLstm.Models", "MlNetLstm.Persistence", "MlNetLstm.Persistence.Format", "MlNetLstm.Training"]);

        var cycles = graph.Cycles();

        cycles.Should().BeEmpty("namespaces of src/MlNetLstm must be layered (src/ARCHITECTURE.md):\n"
                                + string.Join("\n", cycles.Select(graph.Describe)));
    }

    [Fact]
    public void Layers_named_in_the_architecture_notes_point_down()
    {
        NamespaceGraph graph = NamespaceGraph.ScanFolder(Library());

        // The container format knows no model; the models know only the format, not the serializer above them.
        graph.DependenciesOf("MlNetLstm.Persistence.Format").Should().BeEmpty();
        foreach (string model in new[] { "MlNetLstm.Models", "MlNetLstm.Training", "MlNetLstm.Forecasting", "MlNetLstm.Ssa",
                                         "MlNetLstm.Volatility", "MlNetLstm.Volatility.Har", "MlNetLstm.Volatility.Neural" })
            graph.DependenciesOf(model).Should().NotContain("MlNetLstm.Persistence", model);
        graph.DependenciesOf("MlNetLstm.Persistence").Should().Contain(["MlNetLstm.Persistence.Format", "MlNetLstm.Models", "MlNetLstm.Training"]);
        graph.DependenciesOf("MlNetLstm.Models").Should().NotContain("MlNetLstm.Training");
        graph.DependenciesOf("MlNetLstm.Evaluation").Should().BeSubsetOf(["MlNetLstm", "MlNetLstm.Data"]);
    }

    [Fact]
    public void The_volatility_layers_point_down()
    {
        NamespaceGraph graph = NamespaceGraph.ScanFolder(Library());
        const string V = "MlNetLstm.Volatility";

        // Parameters (the parts' shared vocabulary) -> Processes, Distributions, Mean -> Estimation -> Volatility (the arch
        // facade, EWMA, combinations) -> Har, Neural (Neural also writes the seed-ensemble files of the combinations).
        graph.DependenciesOf(V + ".Parameters").Should().BeSubsetOf(["MlNetLstm"]);
        foreach (string part in new[] { V + ".Processes", V + ".Distributions", V + ".Mean" })
            graph.DependenciesOf(part).Should().BeSubsetOf(["MlNetLstm", V + ".Parameters"], part);
        graph.DependenciesOf(V + ".Estimation").Should().BeSubsetOf(
            ["MlNetLstm", V + ".Parameters", V + ".Processes", V + ".Distributions", V + ".Mean"]);
        graph.DependenciesOf(V).Should().NotContain([V + ".Har", V + ".Neural"]);
        graph.DependenciesOf(V + ".Har").Should().NotContain(V + ".Neural");
        graph.DependenciesOf(V + ".Neural").Should().NotContain(V + ".Har");
    }

    // The scanner on small sources: each way a file can depend on another namespace makes a cycle it reports.

    private static readonly (string, string) Lower = ("Lower.cs", """
        namespace MlNetLstm.Lower;
        public sealed class Archive { }
        public sealed class Reader { }
        """);

    [Fact]
    public void A_cycle_through_a_using_directive_is_found()
    {
        var graph = NamespaceGraph.Scan([Lower, ("Upper.cs", "using MlNetLstm.Lower;\nnamespace MlNetLstm.Upper;\npublic class Serializer { Archive? a; }"),
                                         ("Back.cs", "using MlNetLstm.Upper;\nnamespace MlNetLstm.Lower;\ninternal class Back { }")]);

        graph.Cycles().Should().ContainSingle().Which.Should().Equal("MlNetLstm.Lower", "MlNetLstm.Upper");
        graph.Evidence("MlNetLstm.Lower", "MlNetLstm.Upper").Should().Equal("Back.cs: using MlNetLstm.Upper");
    }

    [Fact]
    public void A_cycle_through_a_qualified_name_absolute_or_relative_is_found()
    {
        var absolute = NamespaceGraph.Scan([Lower, ("Upper.cs", "namespace MlNetLstm.Upper;\npublic class Serializer { MlNetLstm.Lower.Archive? a; }"),
                                            ("Back.cs", "namespace MlNetLstm.Lower;\nclass Back { object o = global::MlNetLstm.Upper.Serializer.Load(); }")]);
        absolute.Cycles().Should().ContainSingle();

        // Inside MlNetLstm.Lower, "Upper.Serializer" means MlNetLstm.Upper.Serializer.
        var relative = NamespaceGraph.Scan([Lower, ("Upper.cs", "namespace MlNetLstm.Upper;\npublic class Serializer { Lower.Archive? a; }"),
                                            ("Back.cs", "namespace MlNetLstm.Lower;\nclass Back { void F() => Upper.Serializer.Load(); }")]);
        relative.Cycles().Should().ContainSingle().Which.Should().Equal("MlNetLstm.Lower", "MlNetLstm.Upper");
        relative.Evidence("MlNetLstm.Lower", "MlNetLstm.Upper").Should().Equal("Back.cs: Upper.Serializer.Load");
    }

    [Fact]
    public void A_type_of_an_enclosing_namespace_used_without_a_using_is_a_dependency()
    {
        var graph = NamespaceGraph.Scan([("Parent.cs", "using MlNetLstm.Parent.Child;\nnamespace MlNetLstm.Parent;\npublic class Serializer { Archive? a; }"),
                                         ("Child.cs", "namespace MlNetLstm.Parent.Child;\npublic class Archive { string S => nameof(Serializer); }")]);

        graph.Evidence("MlNetLstm.Parent.Child", "MlNetLstm.Parent").Should().Equal("Child.cs: Serializer (declared in the enclosing namespace)");
        graph.Cycles().Should().ContainSingle();
    }

    [Fact]
    public void Comments_string_text_and_member_names_like_a_namespace_are_not_dependencies_but_interpolation_holes_are()
    {
        const string back = """"
            using MlNetLstm.Kernels;
            namespace MlNetLstm.Lower;
            // using MlNetLstm.Upper; MlNetLstm.Upper.Serializer
            /* Upper.Serializer */
            class Back
            {
                string A => "MlNetLstm.Upper.Serializer and Serializer";
                string B => @"Upper.Serializer ""quoted""";
                string C => $"text Upper.Serializer {Models.Count} {{Upper.Serializer}}";
                string D => $@"{'{'}";
                System.Collections.Generic.List<int> Models = new();
            }
            """";
        var clean = NamespaceGraph.Scan([Lower, ("Upper.cs", "using MlNetLstm.Lower;\nnamespace MlNetLstm.Upper;\npublic class Serializer { }"),
                                         ("Models.cs", "namespace MlNetLstm.Models;\npublic class Net { }"), ("Root.cs", "namespace MlNetLstm;\npublic class Shared { }"),
                                         ("Back.cs", back)]);
        clean.Cycles().Should().BeEmpty();
        clean.DependenciesOf("MlNetLstm.Lower").Should().BeEmpty("a namespace of another assembly (MlNetLstm.Kernels) is not one of these");

        var hole = NamespaceGraph.Scan([Lower, ("Upper.cs", "using MlNetLstm.Lower;\nnamespace MlNetLstm.Upper;\npublic class Serializer { }"),
                                        ("Back.cs", "namespace MlNetLstm.Lower;\nclass Back { string S => $\"kind {Upper.Serializer.Kind(\"x\")}\"; }")]);
        hole.Cycles().Should().ContainSingle();
    }
}
