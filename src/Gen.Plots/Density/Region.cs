using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Plots;

/// <summary>A rectangle of the plane, [XMin, XMax] × [YMin, YMax], on which a 2-D density is drawn.</summary>
/// <param name="XMin">Left edge.</param>
/// <param name="XMax">Right edge.</param>
/// <param name="YMin">Bottom edge.</param>
/// <param name="YMax">Top edge.</param>
public sealed record Region(double XMin, double XMax, double YMin, double YMax)
{
    /// <summary>The square [−halfWidth, halfWidth]².</summary>
    /// <param name="halfWidth">Half the side, positive.</param>
    public static Region Square(double halfWidth) => Checked(new Region(-halfWidth, halfWidth, -halfWidth, halfWidth));

    /// <summary>
    /// The smallest square centred on the points' bounding box that holds them all, widened by
    /// <paramref name="margin"/> of its side on every edge: a region that shows a sample whole.
    /// </summary>
    /// <param name="points">Points [n, 2] with n at least 1, finite.</param>
    /// <param name="margin">The extra fraction of the side on each edge (0 or more).</param>
    /// <exception cref="GenShapeException">The points are not [n, 2].</exception>
    public static Region Around(torch.Tensor points, double margin = 0.1)
    {
        var (x, y) = TensorValues.Points(points, "region.around");
        if (!(margin >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "region.around: the margin must be 0 or more.");
        }

        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                xMin = Math.Min(xMin, x[i]);
                xMax = Math.Max(xMax, x[i]);
                yMin = Math.Min(yMin, y[i]);
                yMax = Math.Max(yMax, y[i]);
            }
        }

        if (double.IsInfinity(xMin))
        {
            throw new ArgumentException("region.around: no point is finite.", nameof(points));
        }

        double side = Math.Max(Math.Max(xMax - xMin, yMax - yMin), 1e-6);
        double half = (side / 2) * (1 + (2 * margin));
        double cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2;
        return new Region(cx - half, cx + half, cy - half, cy + half);
    }

    /// <summary>
    /// The centres of a <paramref name="resolution"/> × <paramref name="resolution"/> grid of equal cells covering
    /// the region, shape [resolution², 2]: point <c>i·resolution + j</c> is (x_j, y_i), with x_j = XMin + (j + ½)·Δx
    /// and y_i = YMin + (i + ½)·Δy, so rows run from the bottom up. Reshaped to [resolution, resolution], values at
    /// these points are what <see cref="DensityMap.Values"/> takes.
    /// </summary>
    /// <param name="resolution">Cells per side, 2 or more.</param>
    /// <param name="device">Where the points live.</param>
    /// <param name="dtype">Their floating-point type; float32 when null.</param>
    public torch.Tensor Grid(int resolution, torch.Device device, torch.ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        Checked(this);
        if (resolution < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "region.grid: the resolution must be at least 2 cells per side.");
        }

        GenRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        var xs = (torch.arange(resolution, dtype: torch.float64) + 0.5) * ((XMax - XMin) / resolution) + XMin;
        var ys = (torch.arange(resolution, dtype: torch.float64) + 0.5) * ((YMax - YMin) / resolution) + YMin;
        var yy = ys.unsqueeze(1).expand(resolution, resolution);
        var xx = xs.unsqueeze(0).expand(resolution, resolution);
        var points = torch.stack(new[] { xx.reshape(-1), yy.reshape(-1) }, 1);
        return points.to(dtype ?? torch.float32, device).MoveToOuterDisposeScope();
    }

    /// <summary>Checks that the region has finite edges with min &lt; max.</summary>
    internal static Region Checked(Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (!(region.XMin < region.XMax && region.YMin < region.YMax) ||
            !double.IsFinite(region.XMin) || !double.IsFinite(region.XMax) || !double.IsFinite(region.YMin) || !double.IsFinite(region.YMax))
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"region: needs finite edges with XMin < XMax and YMin < YMax, got {region}.");
        }

        return region;
    }
}
