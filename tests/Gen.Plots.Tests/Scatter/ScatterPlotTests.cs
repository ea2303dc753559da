using System;
using TorchSharp;
using Xunit;

namespace Gen.Plots.Tests.Scatter;

public class ScatterPlotTests
{
    [Fact]
    public void PointsLandAtTheirCoordinatesInTheirColours()
    {
        var first = torch.tensor(new float[] { 0.25f, 0.25f, 0.75f, 0.5f }).reshape(2, 2);
        var second = torch.tensor(new float[] { 0.5f, 0.8f }).reshape(1, 2);
        var picture = ScatterPlot.Sets(
            new[] { new PointSet("data", first), new PointSet("model", second, new Rgb(200, 0, 200)) },
            new ScatterOptions(Region: new Region(0, 1, 0, 1), MarkerSize: 9, Title: "two sets"));
        var area = picture.Area!;
        Assert.Equal((0.0, 1.0, 0.0, 1.0), (area.XMin, area.XMax, area.YMin, area.YMax));
        using var pixels = new Pixels(picture);
        Rgb At(double x, double y) => pixels[(int)area.PixelX(x), (int)area.PixelY(y)];
        Assert.True(Pixels.Distance(At(0.25, 0.25), Rgb.Palette[0]) <= 3);
        Assert.True(Pixels.Distance(At(0.75, 0.5), Rgb.Palette[0]) <= 3);
        Assert.True(Pixels.Distance(At(0.5, 0.8), new Rgb(200, 0, 200)) <= 3);
        Assert.True(Pixels.IsBackground(At(0.5, 0.2)));
    }

    [Fact]
    public void FittedLimitsHoldEveryPoint()
    {
        var points = torch.tensor(new float[] { -3, 1, 5, 2, 0, -4 }).reshape(3, 2);
        var area = ScatterPlot.Points(points).Area!;
        Assert.True(area.XMin < -3 && area.XMax > 5 && area.YMin < -4 && area.YMax > 2);
    }

    [Fact]
    public void BadPointsAreNamed()
    {
        var error = Assert.Throws<GenShapeException>(() => ScatterPlot.Sets(new[] { new PointSet("ok", torch.zeros(2, 2)), new PointSet("bad", torch.zeros(2, 3)) }));
        Assert.Contains("sets[1]", error.Message);
        Assert.Throws<ArgumentException>(() => ScatterPlot.Sets(Array.Empty<PointSet>()));
    }
}
