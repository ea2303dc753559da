using System;
using ScottPlot;

namespace Gen.Plots;

/// <summary>What every ScottPlot-based picture shares: the embedded font, the size checks and the rendering to PNG.</summary>
internal static class PlotRenderer
{
    /// <summary>The largest width or height of a picture, in pixels.</summary>
    internal const int MaxSide = 8192;

    /// <summary>A new plot drawn in the embedded font.</summary>
    internal static Plot NewPlot(string? title, string? xLabel, string? yLabel)
    {
        PlotFont.Register();
        var plot = new Plot();
        plot.Legend.FontName = PlotFont.Family;
        plot.Legend.SetBestFontOnEachRender = false;
        if (!string.IsNullOrEmpty(title))
        {
            plot.Title(title);
        }

        if (!string.IsNullOrEmpty(xLabel))
        {
            plot.XLabel(xLabel);
        }

        if (!string.IsNullOrEmpty(yLabel))
        {
            plot.YLabel(yLabel);
        }

        return plot;
    }

    /// <summary>Renders the plot at the given size and records where its data area and axis limits ended up.</summary>
    internal static Picture Render(Plot plot, int width, int height)
    {
        // Font.Set styles the labels, ticks and colour bars that exist now, so it comes after everything is added.
        plot.Font.Set(PlotFont.Family);
        var image = plot.GetImage(width, height);
        try
        {
            var png = image.GetImageBytes(ImageFormat.Png);
            var rect = plot.RenderManager.LastRender.DataRect;
            var limits = plot.Axes.GetLimits();
            return new Picture(png, width, height, new PlotArea(rect.Left, rect.Top, rect.Right, rect.Bottom, limits.Left, limits.Right, limits.Bottom, limits.Top));
        }
        finally
        {
            image.Dispose();
        }
    }

    /// <summary>Checks a picture size.</summary>
    internal static void CheckSize(string node, int width, int height)
    {
        if (width < 64 || height < 64 || width > MaxSide || height > MaxSide)
        {
            throw new ArgumentOutOfRangeException(
                width < 64 || width > MaxSide ? "width" : "height",
                $"{node}: a plot is 64 to {MaxSide} pixels wide and high, got {width}×{height}.");
        }
    }
}
