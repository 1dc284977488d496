using System.Diagnostics;
using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace MlNetLstm.Notebooks.Tests;

/// <summary>The outputs of one code cell, as the kernel produced them.</summary>
public sealed record CellRun(int Index, string Source, IReadOnlyList<InteractiveDocumentOutputElement> Outputs, TimeSpan Elapsed)
{
    /// <summary>Every text the cell showed (display, return value, stdout), each MIME type's content once.</summary>
    public IEnumerable<string> Texts => Outputs.SelectMany(o => o switch
    {
        DisplayElement d => d.Data.Values.Select(v => v?.ToString() ?? ""),
        ReturnValueElement r => r.Data.Values.Select(v => v?.ToString() ?? ""),
        TextElement t => [t.Text],
        _ => [],
    });

    /// <summary>The content of the outputs of one MIME type (text/html, text/plain, image/png...).</summary>
    public IEnumerable<string> OfMimeType(string mimeType) => Outputs.SelectMany(o => o switch
    {
        DisplayElement d when d.Data.TryGetValue(mimeType, out object? v) => [v?.ToString() ?? ""],
        ReturnValueElement r when r.Data.TryGetValue(mimeType, out object? v) => [v?.ToString() ?? ""],
        _ => Array.Empty<string>(),
    });
}

/// <summary>The result of running one notebook.</summary>
public sealed record NotebookRun(string Path, IReadOnlyList<CellRun> Cells, TimeSpan Elapsed);

/// <summary>
/// Runs a .NET Interactive notebook headless on the real kernel, as Polyglot Notebooks does: the notebook is read with
/// the Documents API, a <see cref="CompositeKernel"/> holds a <see cref="CSharpKernel"/> with the <c>#r "nuget:"</c>
/// directive and the kernel helpers (<c>display</c>, <c>HTML</c>...), the working directory is the notebook's folder, and
/// the code cells are submitted one by one in order. Any error (a compile diagnostic, an exception, a failed restore)
/// stops the run with an exception naming the cell. Optionally the outputs are written back into the file with the
/// Documents serializer.
/// </summary>
public static class NotebookRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>The kernels a notebook of this repository may name (C# only).</summary>
    public static KernelInfoCollection KernelInfos()
    {
        var infos = new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", "C#", ["c#", "C#"]) };
        infos.DefaultKernelName = "csharp";
        return infos;
    }

    /// <summary>Reads a notebook with the Documents API.</summary>
    public static InteractiveDocument Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Notebook.Read(stream, KernelInfos());
    }

    /// <summary>
    /// Builds the kernel Polyglot Notebooks runs C# cells in: a composite kernel with one C# kernel that has the NuGet
    /// directive (resolved assemblies are referenced), the kernel helpers, #!who and value sharing.
    /// </summary>
    public static CompositeKernel CreateKernel()
    {
        CSharpKernel csharp = new CSharpKernel()
            .UseNugetDirective((k, resolved) =>
            {
                k.AddAssemblyReferences(resolved.SelectMany(r => r.AssemblyPaths));
                NativeLibraryProbe.Add(resolved.Select(r => r.PackageRoot).Concat(resolved.SelectMany(r => r.ProbingPaths)));
                return Task.CompletedTask;
            }, forceRestore: false)
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        return composite;
    }

    /// <summary>
    /// Runs every code cell of the notebook at <paramref name="path"/> after the <paramref name="prelude"/> submissions
    /// (e.g. the package feed's <c>#i</c> line; they are not part of the notebook and never written to it). Throws
    /// <see cref="NotebookFailedException"/> on the first cell that fails. With <paramref name="writeOutputs"/>, the
    /// outputs replace the stored ones in the file.
    /// </summary>
    /// <remarks>
    /// <paramref name="replacements"/> are applied to every output text before it is kept (the test run's feed folder and
    /// package version, which the kernel's restore report shows and which change with every run).
    /// </remarks>
    public static async Task<NotebookRun> RunAsync(string path, IEnumerable<string> prelude, bool writeOutputs = false, TextWriter? log = null,
        IReadOnlyDictionary<string, string>? replacements = null)
    {
        path = System.IO.Path.GetFullPath(path);
        InteractiveDocument document = Read(path);
        var code = document.Elements.Where(IsCode).ToList();
        var total = Stopwatch.StartNew();
        IReadOnlyList<CellRun> cells = await RunCodeAsync(System.IO.Path.GetFileName(path), System.IO.Path.GetDirectoryName(path)!, prelude,
            code.Select(e => e.Contents).ToList(), log, replacements);
        for (int i = 0; i < code.Count; i++)
        {
            code[i].Outputs.Clear();
            code[i].Outputs.AddRange(cells[i].Outputs);
            code[i].ExecutionOrder = i + 1;
        }
        if (writeOutputs) Write(document, path);
        return new NotebookRun(path, cells, total.Elapsed);
    }

    /// <summary>
    /// Submits <paramref name="prelude"/> then <paramref name="submissions"/> in order to a new kernel whose working
    /// directory is <paramref name="workingDirectory"/>; throws <see cref="NotebookFailedException"/> naming
    /// <paramref name="name"/> and the submission on the first failure.
    /// </summary>
    public static async Task<IReadOnlyList<CellRun>> RunCodeAsync(string name, string workingDirectory, IEnumerable<string> prelude,
        IReadOnlyList<string> submissions, TextWriter? log = null, IReadOnlyDictionary<string, string>? replacements = null)
    {
        await OneAtATime.WaitAsync();
        string previousDirectory = Environment.CurrentDirectory;
        try
        {
            // Like the kernel Polyglot Notebooks starts for a notebook: cells run in the notebook's folder.
            Environment.CurrentDirectory = workingDirectory;
            using CompositeKernel kernel = CreateKernel();
            foreach (string code in prelude)
            {
                KernelCommandResult r = await kernel.SendAsync(new SubmitCode(code, "csharp"));
                string? error = Failure(r);
                if (error is not null) throw new NotebookFailedException($"{name}: prelude `{code}` failed: {error}");
            }
            var cells = new List<CellRun>();
            for (int i = 0; i < submissions.Count; i++)
            {
                var sw = Stopwatch.StartNew();
                KernelCommandResult result = await kernel.SendAsync(new SubmitCode(submissions[i], "csharp"));
                sw.Stop();
                string? failure = Failure(result);
                if (failure is not null)
                    throw new NotebookFailedException($"{name}: code cell {i + 1} failed: {failure}\n--- cell ---\n{submissions[i]}");
                var outputs = Outputs(result, replacements ?? new Dictionary<string, string>());
                cells.Add(new CellRun(i + 1, submissions[i], outputs, sw.Elapsed));
                log?.WriteLine($"  cell {i + 1}: {sw.Elapsed.TotalSeconds:F1} s, {outputs.Count} output(s)");
            }
            return cells;
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            OneAtATime.Release();
        }
    }

    /// <summary>Whether a document element is a C# code cell (markdown cells are skipped).</summary>
    public static bool IsCode(InteractiveDocumentElement element) =>
        element.KernelName is "csharp" or "C#" or "c#";

    /// <summary>Writes the document back with the Documents serializer (nbformat 4, LF line ends, trailing newline).</summary>
    public static void Write(InteractiveDocument document, string path)
    {
        using var buffer = new MemoryStream();
        Notebook.Write(document, buffer, KernelInfos());
        string json = new UTF8Encoding(false).GetString(buffer.ToArray());
        File.WriteAllText(path, json.EndsWith('\n') ? json : json + "\n", new UTF8Encoding(false));
    }

    private static string? Failure(KernelCommandResult result)
    {
        var messages = new List<string>();
        foreach (KernelEvent e in result.Events)
        {
            switch (e)
            {
                case CommandFailed f:
                    messages.Add(f.Message + (f.Exception is null ? "" : "\n" + f.Exception));
                    break;
                case ErrorProduced err:
                    messages.Add(err.Message);
                    break;
                case DiagnosticsProduced d:
                    messages.AddRange(d.Diagnostics.Where(x => x.Severity.ToString() == "Error").Select(x => x.ToString()));
                    break;
            }
        }
        return messages.Count == 0 ? null : string.Join("\n", messages.Distinct());
    }

    private static List<InteractiveDocumentOutputElement> Outputs(KernelCommandResult result, IReadOnlyDictionary<string, string> replacements)
    {
        var outputs = new List<InteractiveDocumentOutputElement>();
        var byValueId = new Dictionary<string, int>();
        foreach (KernelEvent e in result.Events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    AppendText(outputs, "stdout", Replace(Text(o), replacements));
                    break;
                case StandardErrorValueProduced o:
                    AppendText(outputs, "stderr", Replace(Text(o), replacements));
                    break;
                case ReturnValueProduced r:
                    var value = new ReturnValueElement();
                    foreach (var (mime, content) in Data(r, replacements)) value.Data[mime] = content;
                    outputs.Add(value);
                    break;
                case DisplayedValueProduced d:
                    if (d.ValueId is not null) byValueId[d.ValueId] = outputs.Count;
                    outputs.Add(new DisplayElement(Data(d, replacements)));
                    break;
                case DisplayedValueUpdated u when u.ValueId is not null && byValueId.TryGetValue(u.ValueId, out int at):
                    // An updated display replaces the earlier one in place, as in the notebook UI (e.g. the restore report).
                    outputs[at] = new DisplayElement(Data(u, replacements));
                    break;
            }
        }
        return outputs;
    }

    private static string Text(DisplayEvent e) => e.FormattedValues.First(v => v.MimeType == PlainTextFormatter.MimeType).Value;

    private static void AppendText(List<InteractiveDocumentOutputElement> outputs, string stream, string text)
    {
        // Consecutive writes to one stream form one output, as in Jupyter.
        if (outputs.Count > 0 && outputs[^1] is TextElement last && last.Name == stream)
            outputs[^1] = new TextElement(last.Text + text, stream);
        else
            outputs.Add(new TextElement(text, stream));
    }

    private static Dictionary<string, object> Data(DisplayEvent e, IReadOnlyDictionary<string, string> replacements) =>
        e.FormattedValues.Where(v => !v.SuppressDisplay).ToDictionary(v => v.MimeType, v => (object)Replace(v.Value, replacements));

    private static string Replace(string text, IReadOnlyDictionary<string, string> replacements)
    {
        foreach (var (from, to) in replacements) text = text.Replace(from, to, StringComparison.Ordinal);
        return text;
    }
}

/// <summary>A notebook cell failed on the kernel.</summary>
public sealed class NotebookFailedException(string message) : Exception(message);
