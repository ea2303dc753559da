using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;
using TorchSharp;

namespace Gen.Plots;

/// <summary>Scatter plots of 2-D samples: one or more point sets, each in its colour, with a legend when labelled.</summary>
public static class ScatterPlot
{
    private const string Node = "scatter";

    /// <summary>Draws one set of points [n, 2] in the first palette colour.</summary>
    /// <param name="points">Points [n, 2] with n at least 1.</param>
    /// <param name="options">Limits, size, title; null for <see cref="ScatterOptions.Default"/>.</param>
    /// <exception cref="GenShapeException">The points are not [n, 2].</exception>
    public static Picture Points(torch.Tensor points, ScatterOptions? options = null) =>
        Sets(new[] { new PointSet(null, points) }, options);

    /// <summary>Draws the sets in order (later ones on top); set k without a colour takes palette colour k.</summary>
    /// <param name="sets">One or more point sets.</param>
    /// <param name="options">Limits, size, title; null for <see cref="ScatterOptions.Default"/>.</param>
    /// <exception cref="GenShapeException">A set's points are not [n, 2].</exception>
    public static Picture Sets(IReadOnlyList<PointSet> sets, ScatterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0 || sets.Any(s => s is null))
        {
            throw new ArgumentException($"{Node}: pass one or more point sets, none of them null.", nameof(sets));
        }

        options ??= ScatterOptions.Default;
        PlotRenderer.CheckSize(Node, options.Width, options.Height);
        if (!(options.MarkerSize > 0) || !double.IsFinite(options.MarkerSize))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MarkerSize, $"{Node}: the marker size must be a positive number of pixels.");
        }

        using var plot = PlotRenderer.NewPlot(options.Title, "x", "y");
        for (int k = 0; k < sets.Count; k++)
        {
            var (x, y) = TensorValues.Points(sets[k].Points, $"{Node}.sets[{k}]");
            var colour = (sets[k].Colour ?? Rgb.Palette[k % Rgb.Palette.Count]).ToScottPlot();
            var markers = plot.Add.Markers(x, y, MarkerShape.FilledCircle, (float)options.MarkerSize, colour);
            markers.MarkerStyle.LineWidth = 0;
            if (!string.IsNullOrEmpty(sets[k].Label))
            {
                markers.LegendText = sets[k].Label!;
            }
        }

        if (sets.Any(s => !string.IsNullOrEmpty(s.Label)))
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        if (options.Region is { } region)
        {
            Region.Checked(region);
            plot.Axes.SetLimits(region.XMin, region.XMax, region.YMin, region.YMax);
        }

        return PlotRenderer.Render(plot, options.Width, options.Height);
    }
}
