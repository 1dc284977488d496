using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace MlNetLstm.Cli.Text;

/// <summary>
/// Progress of one long step with elapsed time and an ETA (elapsed · (1 − f) / f). On a terminal it redraws one line;
/// otherwise (redirected, CI logs) it prints a line at every further 10 %. Thread-safe.
/// </summary>
internal sealed class ProgressReporter : IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter _log;
    private readonly string _label;
    private readonly double _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly bool _interactive;
    private double _done;
    private int _lastDecile;
    private long _lastDraw;

    public ProgressReporter(IAnsiConsole console, TextWriter log, string label, double total)
    {
        _console = console;
        _log = log;
        _label = label;
        _total = Math.Max(total, 1e-9);
        _interactive = console.Profile.Capabilities.Interactive;
        Draw(force: true);
    }

    /// <summary>Adds <paramref name="work"/> units done.</summary>
    public void Advance(double work)
    {
        lock (_gate)
        {
            _done = Math.Min(_total, _done + work);
            Draw(force: false);
        }
    }

    /// <summary>"26 %, 1 min 05 s elapsed, about 3 min 02 s left".</summary>
    internal static string Status(double fraction, TimeSpan elapsed)
    {
        string text = $"{Math.Floor(fraction * 100),3:F0} %, {NumberFormat.Seconds(elapsed.TotalSeconds)} elapsed";
        if (fraction >= 0.01 && fraction < 0.999)
            text += $", about {NumberFormat.Seconds(elapsed.TotalSeconds * (1 - fraction) / fraction)} left";
        return text;
    }

    private void Draw(bool force)
    {
        double f = _done / _total;
        if (f > 1 - 1e-9) f = 1; // sums of fractional weights land a hair below 1
        if (_interactive)
        {
            long now = _clock.ElapsedMilliseconds;
            if (!force && now - _lastDraw < 200 && f < 1) return;
            _lastDraw = now;
            int width = 24, filled = (int)Math.Round(f * width);
            _log.Write($"\r{_label} [{new string('#', filled)}{new string('-', width - filled)}] {Status(f, _clock.Elapsed)}   ");
            _log.Flush();
        }
        else
        {
            int decile = (int)Math.Floor(f * 10);
            if (!force && decile <= _lastDecile) return;
            _lastDecile = decile;
            _log.WriteLine($"{_label}: {Status(f, _clock.Elapsed)}");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_interactive) _log.WriteLine();
            else if (_lastDecile < 10) _log.WriteLine($"{_label}: done in {NumberFormat.Seconds(_clock.Elapsed.TotalSeconds)}");
        }
    }
}
