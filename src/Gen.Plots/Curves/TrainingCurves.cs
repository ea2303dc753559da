using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace Gen.Plots;

/// <summary>Training curves: each series as a line through its points in the order added, with a legend.</summary>
public static class TrainingCurves
{
    private const string Node = "training_curves";

    /// <summary>
    /// Draws the series (later ones on top); series k without a colour takes palette colour k. Points whose value is
    /// not finite are left out; a series with no finite point still gets its legend entry.
    /// </summary>
    /// <param name="series">One or more series.</param>
    /// <param name="options">Labels, size, line width; null for <see cref="CurveOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">No series is given, or no series has a finite point.</exception>
    public static Picture Render(IReadOnlyList<Series> series, CurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0 || series.Any(s => s is null))
        {
            throw new ArgumentException($"{Node}: pass one or more series, none of them null.", nameof(series));
        }

        options ??= CurveOptions.Default;
        PlotRenderer.CheckSize(Node, options.Width, options.Height);
        if (!(options.LineWidth > 0) || !double.IsFinite(options.LineWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LineWidth, $"{Node}: the line width must be a positive number of pixels.");
        }

        if (!series.Any(s => s.Points.Any(Drawn)))
        {
            throw new ArgumentException($"{Node}: no series has a point with a finite step and value to draw.", nameof(series));
        }

        using var plot = PlotRenderer.NewPlot(options.Title, options.XLabel, options.YLabel);
        for (int k = 0; k < series.Count; k++)
        {
            var points = series[k].Points.Where(Drawn).ToArray();
            var line = plot.Add.ScatterLine(points.Select(p => p.Step).ToArray(), points.Select(p => p.Value).ToArray());
            line.Color = (series[k].Colour ?? Rgb.Palette[k % Rgb.Palette.Count]).ToScottPlot();
            line.LineWidth = (float)options.LineWidth;
            line.MarkerSize = points.Length == 1 ? 6 : 0;
            line.LegendText = series[k].Label;
        }

        if (series.Any(s => s.Label.Length > 0))
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        return PlotRenderer.Render(plot, options.Width, options.Height);
    }

    private static bool Drawn(SeriesPoint p) => double.IsFinite(p.Step) && double.IsFinite(p.Value);
}
