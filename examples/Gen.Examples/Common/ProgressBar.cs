using System;
using System.Diagnostics;
using System.IO;

namespace Gen.Examples;

/// <summary>
/// A text progress bar. On a terminal it redraws one line in place (at most ten times a second); when the output is
/// redirected to a file, a pipe or a test's writer, it prints a new line at every tenth of the way instead, so logs
/// stay short and readable.
/// </summary>
public sealed class ProgressBar
{
    private const int Width = 24;
    private readonly TextWriter output;
    private readonly string label;
    private readonly long total;
    private readonly bool interactive;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastDrawMs = -1000;
    private int lastTenth = -1;
    private int lastLength;

    /// <summary>A bar for <paramref name="total"/> steps.</summary>
    public ProgressBar(TextWriter output, string label, long total, bool interactive)
    {
        this.output = output;
        this.label = label;
        this.total = Math.Max(total, 1);
        this.interactive = interactive;
    }

    /// <summary>Seconds since the bar was made.</summary>
    public double Seconds => clock.Elapsed.TotalSeconds;

    /// <summary>Shows that <paramref name="done"/> steps are done, with a status such as the current loss.</summary>
    public void Report(long done, string status)
    {
        var fraction = Math.Clamp(done / (double)total, 0, 1);
        if (interactive)
        {
            var now = clock.ElapsedMilliseconds;
            if (now - lastDrawMs < 100 && done < total)
            {
                return;
            }

            lastDrawMs = now;
            var line = Line(fraction, status);
            output.Write("\r" + line.PadRight(lastLength));
            lastLength = line.Length;
            if (done >= total)
            {
                output.WriteLine();
            }

            output.Flush();
            return;
        }

        var tenth = (int)Math.Floor(fraction * 10);
        if (tenth > lastTenth)
        {
            lastTenth = tenth;
            output.WriteLine(Line(fraction, status));
        }
    }

    private string Line(double fraction, string status)
    {
        var filled = (int)Math.Round(fraction * Width);
        return $"{label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:F0}%  {status}  {Seconds:F0} s";
    }
}
