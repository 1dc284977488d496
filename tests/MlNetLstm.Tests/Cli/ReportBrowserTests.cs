using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MlNetLstm.Cli.Commands;
using Microsoft.Playwright;

namespace MlNetLstm.Tests.Cli;

/// <summary>
/// Opens the backtest report in Debian's real headless chromium (driven by Playwright through its executable path) and checks
/// that it renders offline, without console errors, with a summary and with content in every chart. Keeps a full-page
/// screenshot under MLNETLSTM_SCREENSHOT_DIR (CI) or the test output folder.
/// </summary>
public class ReportBrowserTests
{
    /// <summary>Where Debian installs chromium (`apt-get install chromium`).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private static string Real(string file, [CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlNetLstm.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "data", "real", file);
    }

    [Fact]
    public async Task Report_renders_in_headless_chromium_with_a_summary_dated_axes_and_every_chart_drawn()
    {
        File.Exists(ChromiumPath).Should().BeTrue(
            $"the report test drives Debian's chromium at {ChromiumPath}; install it with `apt-get install chromium` (as root), or run `bash tests/run.sh`");

        // A small backtest (seconds): DEM/GBP returns with dates, every LSTM and two baselines.
        string dir = Directory.CreateTempSubdirectory("mlnetlstm-report-").FullName;
        try
        {
            string[] rows = File.ReadAllLines(Real("dem2gbp.csv"))[1..];
            var day = new DateTime(1984, 1, 3);
            var lines = new List<string> { "date,dem2gbp" };
            foreach (string row in rows)
            {
                lines.Add($"{day:yyyy-MM-dd},{row.Split(',')[1]}");
                do day = day.AddDays(1); while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
            }
            string csv = Path.Combine(dir, "dem2gbp-dated.csv");
            File.WriteAllLines(csv, lines);
            var settings = new BacktestCommand.Settings
            {
                Data = csv, Column = "dem2gbp", Train = 600, Test = 400, Refit = 200, Seeds = 1, Threads = 2, Out = Path.Combine(dir, "out"), Format = "json",
                Models = ["lstm-regime", "lstm", "garch", "ewma"],
            };
            var stderr = new StringWriter();
            BacktestCommand.Run(settings, new StringWriter(), stderr).Should().Be(0, stderr.ToString());
            string report = Path.Combine(dir, "out", "report.html");
            string html = File.ReadAllText(report);
            // (bool checks: the report is ~0.5 MB, too long for an assertion message)
            html.Contains("<script", StringComparison.Ordinal).Should().BeFalse("the report is static");
            (html.Contains("src=\"http", StringComparison.Ordinal) || html.Contains("href=\"http", StringComparison.Ordinal)).Should().BeFalse("the report opens offline");

            using IPlaywright playwright = await Playwright.CreateAsync();
            await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
            });
            IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
            var errors = new List<string>();
            var network = new List<string>();
            page.Console += (_, m) => { if (m.Type is "error" or "warning") errors.Add($"console {m.Type}: {m.Text}"); };
            page.PageError += (_, e) => errors.Add("page error: " + e);
            page.RequestFailed += (_, r) => errors.Add($"request failed: {r.Url}");
            page.Request += (_, r) => { if (!r.Url.StartsWith("file:", StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)) network.Add(r.Url); };
            await page.GotoAsync(new Uri(report).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

            string summary = await page.InnerTextAsync("#summary");
            summary.Should().Contain("lowest QLIKE").And.Contain("DM =").And.Contain("p =");

            // Every chart: loaded, drawn at full size, and with real content: count pixels that are not near-white and the
            // distinct colours (axes alone are grey; the series add the palette's colours).
            string json = await page.EvaluateAsync<string>(@"() => JSON.stringify([...document.querySelectorAll('img.chart')].map(img => {
                const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let ink = 0; const colours = new Set();
                for (let i = 0; i < d.length; i += 4) {
                    if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
                    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 80) colours.add((d[i] >> 5) * 64 + (d[i + 1] >> 5) * 8 + (d[i + 2] >> 5));
                }
                return { id: img.id, complete: img.complete, w: img.naturalWidth, h: img.naturalHeight, shown: img.getBoundingClientRect().width,
                         ink: ink / (c.width * c.height), colours: colours.size };
            }))");
            var charts = JsonSerializer.Deserialize<List<Chart>>(json, CaseInsensitive)!;
            charts.Should().HaveCount(5, "forecasts, shock zoom, forget gate, gate zoom and regime term");
            foreach (Chart c in charts)
            {
                c.Complete.Should().BeTrue(c.Id);
                c.W.Should().BeGreaterThan(500, c.Id);
                c.H.Should().BeGreaterThan(200, c.Id);
                c.Shown.Should().BeGreaterThan(500, $"{c.Id} is laid out at a readable width");
                c.Ink.Should().BeGreaterThan(0.03, $"{c.Id} has axes, lines and labels drawn");
                c.Colours.Should().BeGreaterThanOrEqualTo(2, $"{c.Id} shows coloured series, not only axes");
            }

            string shotDir = Environment.GetEnvironmentVariable("MLNETLSTM_SCREENSHOT_DIR") is { Length: > 0 } env ? env : Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(shotDir);
            string shot = Path.Combine(shotDir, "backtest-report.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            new FileInfo(shot).Length.Should().BeGreaterThan(50_000);

            errors.Should().BeEmpty("the report renders without console errors");
            network.Should().BeEmpty("the report opens offline");

            // Dates carried through: the shock zoom's caption names the largest shock's date from the file.
            System.Text.RegularExpressions.Regex.IsMatch(html, @"around the largest shock of the test period \(198\d-\d\d-\d\d\)").Should().BeTrue("the zoom names the shock's date");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Chart(string Id, bool Complete, int W, int H, double Shown, double Ink, int Colours);
}

public class ReportGraphicsTests
{
    [Fact]
    public void ScottPlots_native_graphics_library_loads_here()
    {
        // Fails with the Debian packages to install (libfontconfig1, a font) when libSkiaSharp.so cannot load.
        Action check = MlNetLstm.Cli.Reports.BacktestHtmlReport.EnsureGraphics;
        check.Should().NotThrow();
    }
}
