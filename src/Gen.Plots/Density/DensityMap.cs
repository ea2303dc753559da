using System;
using System.Linq;
using Gen.Runtime;
using ScottPlot;
using TorchSharp;

namespace Gen.Plots;

/// <summary>
/// Heat maps of 2-D densities: a model's log-density evaluated on a grid over a region, or a grid of values you
/// computed, drawn with the Viridis colour map (dark purple low, yellow high), axes in data coordinates and a colour bar.
/// </summary>
public static class DensityMap
{
    private const string Node = "density_map";
    private const int Chunk = 8192;

    /// <summary>
    /// Evaluates <paramref name="logDensity"/> at the centres of a grid over <paramref name="region"/>
    /// (<see cref="Region.Grid"/>) without gradient, in chunks, and draws exp(log p) or log p
    /// (<see cref="DensityMapOptions.Scale"/>). An unnormalised log-density (such as −U for an energy U) is fine.
    /// </summary>
    /// <param name="logDensity">Points [n, 2] to log-densities [n], for example <c>model.LogProb</c>.</param>
    /// <param name="region">The rectangle to draw.</param>
    /// <param name="options">Grid, size, scale, device and overlay; null for <see cref="DensityMapOptions.Default"/>.</param>
    /// <exception cref="GenShapeException">The function returns another shape than [n].</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static Picture LogDensity(Func<torch.Tensor, torch.Tensor> logDensity, Region region, DensityMapOptions? options = null)
    {
        return Evaluate(logDensity, region, options);
    }

    /// <summary>
    /// The density of <paramref name="model"/> (a flow over 2-D points, say) on a grid over <paramref name="region"/>,
    /// as <see cref="LogDensity(Func{torch.Tensor, torch.Tensor}, Region, DensityMapOptions?)"/> draws it: the same
    /// as passing <c>model.LogProb</c>, which F# cannot pass where the model has several <c>LogProb</c> overloads.
    /// </summary>
    /// <param name="model">A model of 2-D points.</param>
    /// <param name="region">The rectangle to draw.</param>
    /// <param name="options">Grid, size, scale, device and overlay; null for <see cref="DensityMapOptions.Default"/>.</param>
    /// <exception cref="GenShapeException">The model does not give one log-density per point.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public static Picture LogDensity(IDensityModel model, Region region, DensityMapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Evaluate(model.LogProb, region, options);
    }

    private static Picture Evaluate(Func<torch.Tensor, torch.Tensor> logDensity, Region region, DensityMapOptions? options)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        Region.Checked(region);
        options ??= DensityMapOptions.Default;
        CheckOptions(options);
        GenRuntime.EnsureLoaded();
        int resolution = options.Resolution;
        var values = new double[resolution * resolution];
        using (var scope = torch.NewDisposeScope())
        using (var noGrad = torch.no_grad())
        {
            var grid = region.Grid(resolution, options.Device ?? torch.CPU, options.DType);
            for (int start = 0; start < values.Length; start += Chunk)
            {
                using var step = torch.NewDisposeScope();
                int count = Math.Min(Chunk, values.Length - start);
                var result = logDensity(grid.narrow(0, start, count));
                if (result is null || result.dim() != 1 || result.shape[0] != count)
                {
                    throw new GenShapeException(
                        $"{Node}.log_density",
                        $"the function must map points [n, 2] to log-densities [n]; for [{count}, 2] it returned {(result is null ? "null" : Shape.Format(result.shape))}.");
                }

                TensorValues.Read(result).CopyTo(values, start);
            }
        }

        var (shown, label) = Transform(values, options);
        return Draw(shown, resolution, resolution, region, options, label);
    }

    /// <summary>
    /// Draws a grid of values as they are: <paramref name="values"/>[i, j] fills the cell of column j (x from left to
    /// right) and row i counted from the bottom (y upwards), the layout of <see cref="Region.Grid"/> reshaped to
    /// [rows, columns]. NaN cells are grey. <see cref="DensityMapOptions.Scale"/> and
    /// <see cref="DensityMapOptions.Resolution"/> do not apply.
    /// </summary>
    /// <param name="values">[rows, columns], both at least 1; any device, any real dtype.</param>
    /// <param name="region">The rectangle the grid covers.</param>
    /// <param name="options">Size, title and overlay; null for <see cref="DensityMapOptions.Default"/>.</param>
    /// <exception cref="GenShapeException">The values are not a matrix.</exception>
    public static Picture Values(torch.Tensor values, Region region, DensityMapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        Region.Checked(region);
        options ??= DensityMapOptions.Default;
        CheckOptions(options);
        if (values.dim() != 2 || values.shape[0] < 1 || values.shape[1] < 1 || values.shape[0] > PlotRenderer.MaxSide || values.shape[1] > PlotRenderer.MaxSide)
        {
            throw new GenShapeException($"{Node}.values", $"expects a grid [rows, columns] with 1 to {PlotRenderer.MaxSide} of each, got {Shape.Format(values.shape)}.");
        }

        var read = TensorValues.Read(values).Select(v => double.IsFinite(v) ? v : double.NaN).ToArray();
        return Draw(read, (int)values.shape[0], (int)values.shape[1], region, options, "value");
    }

    private static (double[] Values, string Label) Transform(double[] logp, DensityMapOptions options)
    {
        // +inf and NaN are not log-densities a picture can show; -inf is density 0.
        var max = logp.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        if (options.Scale == DensityScale.LogDensity)
        {
            var floor = max - options.LogRange;
            return (logp.Select(v => double.IsNegativeInfinity(v) ? floor : double.IsFinite(v) ? Math.Max(v, floor) : double.NaN).ToArray(), "log density");
        }

        // exp overflows past 709 and underflows below −745: then show the density relative to its maximum instead.
        var shift = max > 700 || max < -700 ? max : 0;
        var label = shift == 0 ? "density" : "density / max";
        return (logp.Select(v => double.IsNegativeInfinity(v) ? 0 : double.IsFinite(v) ? Math.Exp(v - shift) : double.NaN).ToArray(), label);
    }

    private static Picture Draw(double[] values, int rows, int columns, Region region, DensityMapOptions options, string label)
    {
        // ScottPlot draws intensity row 0 at the top; our row 0 is the bottom. It places cells by the distance between the
        // first and last cell centres, which a single row or column does not have: such a side is drawn twice, as two
        // cells of half the size with the same value.
        int drawnRows = Math.Max(rows, 2), drawnColumns = Math.Max(columns, 2);
        var intensities = new double[drawnRows, drawnColumns];
        for (int i = 0; i < drawnRows; i++)
        {
            for (int j = 0; j < drawnColumns; j++)
            {
                intensities[drawnRows - 1 - i, j] = values[(Math.Min(i, rows - 1) * columns) + Math.Min(j, columns - 1)];
            }
        }

        using var plot = PlotRenderer.NewPlot(options.Title, "x", "y");
        var heatmap = plot.Add.Heatmap(intensities);
        // The extent is the rectangle of the cell centres (ScottPlot's cells are centred on them), half a cell inside the
        // region on every side; the region's edges would stretch the map by n/(n − 1) and shift cells by up to half a cell.
        double halfWidth = (region.XMax - region.XMin) / drawnColumns / 2, halfHeight = (region.YMax - region.YMin) / drawnRows / 2;
        heatmap.Extent = new CoordinateRect(region.XMin + halfWidth, region.XMax - halfWidth, region.YMin + halfHeight, region.YMax - halfHeight);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.Gray;
        heatmap.Smooth = false;
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = label;
        if (options.Overlay is { } overlay)
        {
            var (x, y) = TensorValues.Points(overlay, $"{Node}.overlay");
            var markers = plot.Add.Markers(x, y, MarkerShape.FilledCircle, 2, Colors.White);
            markers.MarkerStyle.LineWidth = 0;
        }

        plot.Axes.SetLimits(region.XMin, region.XMax, region.YMin, region.YMax);
        return PlotRenderer.Render(plot, options.Width, options.Height);
    }

    private static void CheckOptions(DensityMapOptions options)
    {
        PlotRenderer.CheckSize(Node, options.Width, options.Height);
        if (options.Resolution < 2 || options.Resolution > 2048)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Resolution, $"{Node}: the resolution must be 2 to 2048 cells per side.");
        }

        if (!(options.LogRange > 0) || !double.IsFinite(options.LogRange))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LogRange, $"{Node}: the log-density range must be a positive number of nats.");
        }
    }
}
