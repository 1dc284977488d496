using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>The result of running one notebook: per code cell, its outputs.</summary>
public sealed record NotebookRun(string Path, IReadOnlyList<IReadOnlyList<CellOutput>> CellOutputs);

/// <summary>
/// Executes the C# cells of a .NET Interactive notebook in order with Roslyn scripting, the way the
/// dotnet-interactive kernel would: one script state carried from cell to cell, <c>display()</c> shimmed,
/// Console output captured, the value of a cell's last expression displayed. Package references
/// (<c>#r "nuget: MlNetLstm, ..."</c>) are satisfied by the assemblies this test project builds.
/// </summary>
public static class NotebookRunner
{
    /// <summary>Assemblies a notebook may use, in addition to the framework.</summary>
    public static readonly Assembly[] References =
    [
        typeof(MlNetLstm.Reporting.SvgChart).Assembly,
        typeof(MlNetLstm.Kernels.Gemm).Assembly,
    ];

    // The default usings of the .NET Interactive C# kernel.
    private static readonly string[] Imports = ["System", "System.IO", "System.Linq", "System.Text", "System.Collections.Generic", "System.Threading.Tasks"];

    /// <summary>
    /// Runs every code cell of the notebook at <paramref name="path"/>; throws if a cell throws.
    /// <paramref name="extraReferences"/> adds assemblies beyond <see cref="References"/> (the ML.NET adapter's tests
    /// pass the adapter and ML.NET).
    /// </summary>
    public static async Task<NotebookRun> RunAsync(string path, IEnumerable<Assembly>? extraReferences = null)
    {
        JsonObject notebook = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        var globals = new NotebookGlobals();
        ScriptOptions options = ScriptOptions.Default
            .AddReferences(References.Concat(extraReferences ?? []))
            .AddImports(Imports)
            .WithFilePath(path)
            .WithEmitDebugInformation(false);
        ScriptState<object>? state = null;
        var all = new List<IReadOnlyList<CellOutput>>();
        // Like the .NET Interactive kernel, cells run with the notebook's folder as the working directory.
        string previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        try
        {
        int index = 0;
        foreach (JsonNode? cell in notebook["cells"]!.AsArray())
        {
            if ((string?)cell!["cell_type"] != "code") continue;
            index++;
            string source = Source(cell);
            string code = string.Join('\n', source.Split('\n').Where(l => !IsDirective(l)));
            globals.Outputs.Clear();
            TextWriter stdout = Console.Out;
            var captured = new StringWriter();
            Console.SetOut(captured);
            try
            {
                state = state is null
                    ? await CSharpScript.RunAsync(code, options, globals, typeof(NotebookGlobals))
                    : await state.ContinueWithAsync(code, options);
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException($"{System.IO.Path.GetFileName(path)}: code cell {index} failed: {ex.Message}\n--- cell ---\n{source}", ex);
            }
            finally
            {
                Console.SetOut(stdout);
            }
            var outputs = new List<CellOutput>();
            if (captured.ToString().Length > 0) outputs.Add(new CellOutput("stdout", captured.ToString()));
            outputs.AddRange(globals.Outputs);
            if (state.ReturnValue is not null) outputs.Add(NotebookGlobals.Render(state.ReturnValue));
            all.Add(outputs);
        }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }
        return new NotebookRun(path, all);
    }

    /// <summary>Whether a source line is a notebook directive that scripting cannot run (#r "nuget:", #!magic).</summary>
    public static bool IsDirective(string line)
    {
        string t = line.TrimStart();
        return t.StartsWith("#r \"nuget:", StringComparison.Ordinal) || t.StartsWith("#!", StringComparison.Ordinal) || t.StartsWith("#i ", StringComparison.Ordinal);
    }

    /// <summary>A cell's source as one string (nbformat stores it as a string or a list of lines).</summary>
    public static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonNode s => (string?)s ?? "",
        null => "",
    };

    /// <summary>Writes the outputs of a run back into the notebook file, as .NET Interactive would store them.</summary>
    public static void WriteOutputs(NotebookRun run)
    {
        JsonObject notebook = JsonNode.Parse(File.ReadAllText(run.Path))!.AsObject();
        int i = 0;
        foreach (JsonNode? cell in notebook["cells"]!.AsArray())
        {
            if ((string?)cell!["cell_type"] != "code") continue;
            var outputs = new JsonArray();
            foreach (CellOutput o in run.CellOutputs[i])
            {
                outputs.Add(o.MimeType == "stdout"
                    ? new JsonObject { ["name"] = "stdout", ["output_type"] = "stream", ["text"] = Lines(o.Content) }
                    : new JsonObject { ["data"] = new JsonObject { [o.MimeType] = Lines(o.Content) }, ["metadata"] = new JsonObject(), ["output_type"] = "display_data" });
            }
            cell["outputs"] = outputs;
            cell["execution_count"] = ++i;
        }
        var text = notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        File.WriteAllText(run.Path, text + "\n", new UTF8Encoding(false));
    }

    private static JsonArray Lines(string text)
    {
        var arr = new JsonArray();
        string[] parts = text.Split('\n');
        for (int k = 0; k < parts.Length; k++)
        {
            string line = k < parts.Length - 1 ? parts[k] + "\n" : parts[k];
            if (line.Length > 0) arr.Add(line);
        }
        return arr;
    }
}
