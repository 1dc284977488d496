using System.Text;
using System.Text.RegularExpressions;

namespace MlNetLstm.Tests.Architecture;

/// <summary>
/// The namespace dependency graph of C# sources, read from the text (no Roslyn): namespace A depends on B when a file of A has
/// <c>using B;</c> (also <c>using static</c> and aliases), names a type of B qualified (<c>MlNetLstm.B.T</c>, or <c>B.T</c>
/// relative to an enclosing namespace, as C# resolves it), or names without qualification a type declared in an enclosing
/// namespace of A (C# makes those visible without a using). Comments and string text are ignored; code inside interpolation
/// holes is kept. A using that is never used still counts: the graph errs towards more edges, never fewer.
/// </summary>
internal sealed partial class NamespaceGraph
{
    private readonly Dictionary<string, Dictionary<string, List<string>>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(IReadOnlySet<string> namespaces) => Namespaces = namespaces;

    /// <summary>Every namespace declared in the sources.</summary>
    public IReadOnlySet<string> Namespaces { get; }

    /// <summary>The namespaces <paramref name="from"/> depends on.</summary>
    public IEnumerable<string> DependenciesOf(string from) =>
        _edges.TryGetValue(from, out var to) ? to.Keys.Order(StringComparer.Ordinal) : [];

    /// <summary>Where the dependency <paramref name="from"/> → <paramref name="to"/> comes from ("file: reason").</summary>
    public IReadOnlyList<string> Evidence(string from, string to) =>
        _edges.TryGetValue(from, out var t) && t.TryGetValue(to, out var why) ? why : [];

    /// <summary>Scans every .cs file under <paramref name="folder"/> (bin and obj excluded).</summary>
    public static NamespaceGraph ScanFolder(string folder) =>
        Scan(Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            .Select(f => (Path.GetRelativePath(folder, f), File.ReadAllText(f))));

    /// <summary>Builds the graph of <paramref name="files"/> (name, source text); names appear only in the evidence.</summary>
    public static NamespaceGraph Scan(IEnumerable<(string Name, string Source)> files)
    {
        var parsed = new List<(string Name, string Ns, string Code)>();
        var declared = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (name, source) in files)
        {
            string code = CodeOnly(source);
            Match ns = NamespaceRegex().Match(code);
            if (!ns.Success) throw new InvalidDataException($"{name}: no namespace declaration.");
            parsed.Add((name, ns.Groups[1].Value, code));
            if (!declared.TryGetValue(ns.Groups[1].Value, out var types)) declared[ns.Groups[1].Value] = types = new(StringComparer.Ordinal);
            foreach (Match m in TypeDeclarationRegex().Matches(code)) types.Add(m.Groups[1].Value);
        }

        var graph = new NamespaceGraph(declared.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var (name, ns, code) in parsed)
        {
            foreach (Match m in UsingRegex().Matches(code))
            {
                // A namespace of these sources, or a type in one (using static, alias); another assembly's namespace
                // (MlNetLstm.Kernels) is no edge.
                string imported = m.Groups[1].Value;
                string? target = graph.Namespaces.Contains(imported) ? imported : LongestNamespacePrefix(graph.Namespaces, imported.Split('.'), declared);
                if (target is not null) graph.Add(ns, target, $"{name}: using {m.Groups[1].Value}");
            }

            string body = NamespaceRegex().Replace(UsingRegex().Replace(code, ""), "");
            string[] enclosing = Enclosing(ns);
            foreach (Match m in QualifiedNameRegex().Matches(body))
            {
                string[] parts = m.Groups[1].Value.Split('.');
                if (parts[0] == "global") parts = parts[1..];
                // C# looks a qualified name up from the innermost enclosing namespace outwards; MlNetLstm.X also from the root.
                foreach (string scope in enclosing.Append(""))
                {
                    if (scope.Length == 0 && parts[0] != "MlNetLstm") continue;
                    string[] full = scope.Length == 0 ? parts : [.. scope.Split('.'), .. parts];
                    string? target = LongestNamespacePrefix(graph.Namespaces, full, declared);
                    if (target is null) continue;
                    graph.Add(ns, target, $"{name}: {m.Groups[1].Value}");
                    break;
                }
            }

            var identifiers = IdentifierRegex().Matches(body).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            HashSet<string> own = declared[ns];
            foreach (string outer in enclosing.Skip(1))
            {
                if (!declared.TryGetValue(outer, out var types)) continue;
                foreach (string type in types.Where(t => identifiers.Contains(t) && !own.Contains(t)).Order(StringComparer.Ordinal))
                    graph.Add(ns, outer, $"{name}: {type} (declared in the enclosing namespace)");
            }
        }
        return graph;
    }

    /// <summary>The strongly connected components with more than one namespace (each is a set of namespaces in a cycle).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<IReadOnlyList<string>>();
        int next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in DependenciesOf(v))
            {
                if (!index.TryGetValue(w, out int wIndex)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], wIndex);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add([.. component.Order(StringComparer.Ordinal)]);
        }

        foreach (string v in Namespaces.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(v)) Visit(v);
        return result;
    }

    /// <summary>A cycle as text: each edge inside it with its first pieces of evidence.</summary>
    public string Describe(IReadOnlyList<string> cycle)
    {
        var sb = new StringBuilder().AppendLine($"cycle between {string.Join(", ", cycle)}:");
        foreach (string a in cycle)
            foreach (string b in cycle.Where(b => Evidence(a, b).Count > 0))
                sb.AppendLine($"  {a} -> {b}: {string.Join("; ", Evidence(a, b).Take(3))}");
        return sb.ToString();
    }

    private void Add(string from, string to, string why)
    {
        if (from == to) return;
        if (!_edges.TryGetValue(from, out var targets)) _edges[from] = targets = new(StringComparer.Ordinal);
        if (!targets.TryGetValue(to, out var list)) targets[to] = list = [];
        list.Add(why);
    }

    // "A.B.C" -> ["A.B.C", "A.B", "A"]
    private static string[] Enclosing(string ns)
    {
        string[] parts = ns.Split('.');
        return [.. Enumerable.Range(1, parts.Length).Reverse().Select(n => string.Join('.', parts.Take(n)))];
    }

    // The longest prefix of parts that is a known namespace; with requireType, the next part must be a type declared in it
    // (so a property named like a namespace, "Models.Count", is not taken for one).
    private static string? LongestNamespacePrefix(IReadOnlySet<string> namespaces, string[] parts,
        Dictionary<string, HashSet<string>> requireType)
    {
        for (int n = parts.Length; n >= 1; n--)
        {
            string candidate = string.Join('.', parts.Take(n));
            if (!namespaces.Contains(candidate)) continue;
            if (n < parts.Length && requireType[candidate].Contains(parts[n])) return candidate;
        }
        return null;
    }

    /// <summary>The source with comments removed and string and character literals blanked, interpolation holes kept.</summary>
    internal static string CodeOnly(string source)
    {
        var sb = new StringBuilder(source.Length);
        int i = 0;
        Code(source, ref i, sb, inHole: false);
        return sb.ToString();
    }

    private static void Code(string s, ref int i, StringBuilder sb, bool inHole)
    {
        int depth = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '/' && At(s, i + 1, '/')) { while (i < s.Length && s[i] != '\n') i++; continue; }
            if (c == '/' && At(s, i + 1, '*'))
            {
                int end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + 2;
                sb.Append(' ');
                continue;
            }
            if (c == '\'' ) { SkipQuoted(s, ref i, '\''); sb.Append(" '' "); continue; }
            if (c == '"' || ((c == '$' || c == '@') && StringStartsAfterPrefix(s, i)))
            {
                String(s, ref i, sb);
                continue;
            }
            if (inHole)
            {
                if (c == '{') depth++;
                else if (c == '}' && depth-- == 0) { i++; return; }
            }
            sb.Append(c);
            i++;
        }
    }

    private static bool At(string s, int i, char c) => i < s.Length && s[i] == c;

    private static bool StringStartsAfterPrefix(string s, int i)
    {
        int j = i;
        while (j < s.Length && (s[j] == '$' || s[j] == '@')) j++;
        return j > i && At(s, j, '"');
    }

    private static void String(string s, ref int i, StringBuilder sb)
    {
        int dollars = 0;
        bool verbatim = false;
        while (s[i] != '"')
        {
            if (s[i] == '$') dollars++; else verbatim = true;
            i++;
        }
        int quotes = 0;
        while (At(s, i + quotes, '"')) quotes++;
        sb.Append(" \"\" ");
        if (quotes >= 3)
        {
            // Raw string literal: ends at the same run of quotes; interpolation holes in raw strings are not scanned.
            int end = s.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
            i = end < 0 ? s.Length : end + quotes;
            return;
        }
        if (quotes == 2 && !verbatim) { i += 2; return; } // ""
        i++;
        while (i < s.Length)
        {
            char c = s[i];
            if (!verbatim && c == '\\') { i += 2; continue; }
            if (c == '"')
            {
                if (verbatim && At(s, i + 1, '"')) { i += 2; continue; }
                i++;
                return;
            }
            if (dollars > 0 && c == '{')
            {
                if (At(s, i + 1, '{')) { i += 2; continue; }
                i++;
                sb.Append(" (");
                Code(s, ref i, sb, inHole: true);
                sb.Append(") ");
                continue;
            }
            if (dollars > 0 && c == '}' && At(s, i + 1, '}')) { i += 2; continue; }
            if (!verbatim && c == '\n') return; // unterminated: stop at the line end
            i++;
        }
    }

    private static void SkipQuoted(string s, ref int i, char quote)
    {
        i++;
        while (i < s.Length && s[i] != quote && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
        i++;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceRegex();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingRegex();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record|delegate\s+[\w.<>\[\]?, ]+?)\s+([A-Z]\w*)")]
    private static partial Regex TypeDeclarationRegex();

    [GeneratedRegex(@"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex IdentifierRegex();
}
