using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Plots.Tests.Density;

public class DensityMapTests
{
    // The ends of the Viridis colour map.
    private static readonly Rgb Low = new(68, 1, 84);
    private static readonly Rgb High = new(253, 231, 37);

    private static torch.Tensor Gaussian(torch.Tensor z, double cx, double cy, double sd)
    {
        var d = z - torch.tensor(new[] { (float)cx, (float)cy });
        return d.square().sum(dim: 1).div(-2 * sd * sd);
    }

    [Fact]
    public void TheBrightestPixelsSitAtTheMaximum()
    {
        var picture = DensityMap.LogDensity(z => Gaussian(z, 1, -0.5, 0.3), Region.Square(2));
        var area = picture.Area!;
        Assert.Equal((-2.0, 2.0, -2.0, 2.0), (area.XMin, area.XMax, area.YMin, area.YMax));
        using var pixels = new Pixels(picture);
        var bright = new List<(int X, int Y)>();
        for (int x = (int)Math.Ceiling(area.Left) + 1; x < area.Right - 1; x++)
        {
            for (int y = (int)Math.Ceiling(area.Top) + 1; y < area.Bottom - 1; y++)
            {
                if (Pixels.Distance(pixels[x, y], High) <= 12)
                {
                    bright.Add((x, y));
                }
            }
        }

        Assert.NotEmpty(bright);
        Assert.InRange(bright.Average(p => p.X + 0.5), area.PixelX(1) - 2, area.PixelX(1) + 2);
        Assert.InRange(bright.Average(p => p.Y + 0.5), area.PixelY(-0.5) - 2, area.PixelY(-0.5) + 2);
        // Far from the mode the density is the lowest colour.
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(-1.8), (int)area.PixelY(1.8)], Low) <= 2);
    }

    [Fact]
    public void ValuesFillTheirCellsFromTheBottomLeft()
    {
        // values[i, j]: row i from the bottom, column j from the left. One hot cell at the bottom right, a middle one top left.
        var values = torch.zeros(4, 4);
        values[0, 3] = torch.tensor(1f);
        values[3, 0] = torch.tensor(0.5f);
        var region = new Region(0, 4, 0, 4);
        var picture = DensityMap.Values(values, region, DensityMapOptions.Default.WithTitle("cells"));
        var area = picture.Area!;
        using var pixels = new Pixels(picture);
        Rgb At(double x, double y) => pixels[(int)area.PixelX(x), (int)area.PixelY(y)];
        Assert.True(Pixels.Distance(At(3.5, 0.5), High) <= 2);
        Assert.True(Pixels.Distance(At(0.5, 0.5), Low) <= 2);
        Assert.True(Pixels.Distance(At(3.5, 3.5), Low) <= 2);
        var middle = At(0.5, 3.5);
        Assert.True(Pixels.Distance(middle, Low) > 40 && Pixels.Distance(middle, High) > 40, $"the middle value drew {middle}");
    }

    [Fact]
    public void Cells_cover_exactly_their_part_of_the_region_up_to_its_edges()
    {
        // Three columns over [0, 3] valued 0, 1, 2: x = 0.8 and 2.2 lie in the first and last cells, near their inner
        // edges, where a map stretched by n/(n − 1) showed the middle column's colour; 0.05 and 2.95 lie at the outer edges.
        var values = torch.tensor(new float[] { 0, 1, 2 }).reshape(1, 3).expand(3, 3).contiguous();
        var picture = DensityMap.Values(values, new Region(0, 3, 0, 3), DensityMapOptions.Default);
        var area = picture.Area!;
        using var pixels = new Pixels(picture);
        Rgb At(double x, double y) => pixels[(int)area.PixelX(x), (int)area.PixelY(y)];
        foreach (var y in new[] { 0.1, 1.5, 2.9 })
        {
            Assert.True(Pixels.Distance(At(0.05, y), Low) <= 2 && Pixels.Distance(At(0.8, y), Low) <= 2, $"first column at y = {y}");
            Assert.True(Pixels.Distance(At(2.2, y), High) <= 2 && Pixels.Distance(At(2.95, y), High) <= 2, $"last column at y = {y}");
        }
    }

    [Fact]
    public void A_single_row_or_column_is_drawn_across_the_whole_region()
    {
        var row = torch.tensor(new float[] { 0, 1, 2 }).reshape(1, 3);
        var picture = DensityMap.Values(row, new Region(0, 3, 0, 1), DensityMapOptions.Default);
        var area = picture.Area!;
        using var pixels = new Pixels(picture);
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(0.5), (int)area.PixelY(0.2)], Low) <= 2);
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(2.5), (int)area.PixelY(0.8)], High) <= 2);

        var column = row.reshape(3, 1);
        picture = DensityMap.Values(column, new Region(0, 1, 0, 3), DensityMapOptions.Default);
        area = picture.Area!;
        using var columnPixels = new Pixels(picture);
        Assert.True(Pixels.Distance(columnPixels[(int)area.PixelX(0.2), (int)area.PixelY(0.5)], Low) <= 2);
        Assert.True(Pixels.Distance(columnPixels[(int)area.PixelX(0.8), (int)area.PixelY(2.5)], High) <= 2);
    }

    /// <summary>A model of 2-D points with one LogProb of its own, as Gen's models have (beside overloads that take more).</summary>
    private sealed class GaussianModel : IDensityModel
    {
        public torch.Tensor LogProb(torch.Tensor x) => Gaussian(x, 1, -0.5, 0.3);

        public torch.Tensor LogProb(torch.Tensor x, torch.Tensor? context) => LogProb(x);
    }

    [Fact]
    public void A_model_draws_the_same_map_as_its_log_prob()
    {
        var model = new GaussianModel();
        var options = new DensityMapOptions(Resolution: 30);
        var fromModel = DensityMap.LogDensity(model, Region.Square(2), options);
        var fromFunction = DensityMap.LogDensity(x => model.LogProb(x), Region.Square(2), options);
        Assert.Equal(fromFunction.ToPng(), fromModel.ToPng());
        Assert.Throws<ArgumentNullException>(() => DensityMap.LogDensity((IDensityModel)null!, Region.Square(2)));
    }

    [Fact]
    public void A_density_far_below_one_everywhere_is_shown_relative_to_its_maximum()
    {
        // log p = −800 − x²: exp underflows to 0 everywhere; shown relative to the maximum, the middle is bright.
        Func<torch.Tensor, torch.Tensor> logp = z => -800 - z[.., 0].square();
        var picture = DensityMap.LogDensity(logp, Region.Square(2), new DensityMapOptions(Resolution: 40));
        var area = picture.Area!;
        using var pixels = new Pixels(picture);
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(0), (int)area.PixelY(0)], High) <= 12);
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(-1.9), (int)area.PixelY(0)], Low) <= 12);
    }

    [Fact]
    public void GridPointsRunAlongXThenUpwards()
    {
        var grid = new Region(0, 4, 10, 12).Grid(4, torch.CPU, torch.float64);
        Assert.Equal(new long[] { 16, 2 }, grid.shape);
        Assert.Equal(new[] { 0.5, 10.25 }, grid[0].data<double>().ToArray());
        Assert.Equal(new[] { 1.5, 10.25 }, grid[1].data<double>().ToArray());
        Assert.Equal(new[] { 0.5, 10.75 }, grid[4].data<double>().ToArray());
        Assert.Equal(new[] { 3.5, 11.75 }, grid[15].data<double>().ToArray());
    }

    [Fact]
    public void LogScaleShowsTheTailsAndMinusInfinityIsTheFloor()
    {
        // log p = −x² except −∞ on the left quarter: the log scale floors it instead of failing.
        Func<torch.Tensor, torch.Tensor> logp = z =>
            torch.where(z[.., 0] < -1, torch.tensor(float.NegativeInfinity), z[.., 0].square().neg());
        var picture = DensityMap.LogDensity(logp, Region.Square(2), new DensityMapOptions(Resolution: 40, Scale: DensityScale.LogDensity, LogRange: 4));
        var area = picture.Area!;
        using var pixels = new Pixels(picture);
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(0), (int)area.PixelY(1)], High) <= 12);
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(-1.5), (int)area.PixelY(1)], Low) <= 2);
        // −1 is 1 nat below the maximum of 0, a quarter of the way down the 4-nat range: not an end colour.
        var x1 = pixels[(int)area.PixelX(-0.99), (int)area.PixelY(1)];
        Assert.True(Pixels.Distance(x1, Low) > 40 && Pixels.Distance(x1, High) > 40);
    }

    [Fact]
    public void OverlayPointsAreDrawnInWhite()
    {
        var points = torch.tensor(new float[] { -1.5f, -1.5f }).reshape(1, 2);
        var picture = DensityMap.LogDensity(z => Gaussian(z, 0, 0, 0.2), Region.Square(2), DensityMapOptions.Default.WithOverlay(points).WithResolution(32));
        var area = picture.Area!;
        using var pixels = new Pixels(picture);
        // Anti-aliased, so nearly white; the map there is dark purple.
        Assert.True(Pixels.Distance(pixels[(int)area.PixelX(-1.5), (int)area.PixelY(-1.5)], Rgb.White) <= 24);
    }

    [Fact]
    public void AFunctionOfTheWrongShapeIsNamed()
    {
        var error = Assert.Throws<GenShapeException>(() => DensityMap.LogDensity(z => z, Region.Square(1)));
        Assert.Contains("[n]", error.Message);
        Assert.Throws<GenShapeException>(() => DensityMap.Values(torch.zeros(4), Region.Square(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DensityMap.Values(torch.zeros(2, 2), new Region(1, 0, 0, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DensityMap.Values(torch.zeros(2, 2), Region.Square(1), DensityMapOptions.Default.WithSize(10, 10)));
    }

    [Fact]
    public void RegionAroundHoldsEveryPoint()
    {
        var points = torch.tensor(new float[] { -1, 0, 3, 1, 0, 2 }).reshape(3, 2);
        var region = Region.Around(points, 0);
        Assert.Equal(new Region(-1, 3, -1, 3), region);
        var wide = Region.Around(points, 0.25);
        Assert.Equal(new Region(-2, 4, -2, 4), wide);
    }
}
