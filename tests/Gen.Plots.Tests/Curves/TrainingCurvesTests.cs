using System;
using System.Linq;
using Xunit;

namespace Gen.Plots.Tests.Curves;

public class TrainingCurvesTests
{
    [Fact]
    public void TheLinePassesThroughItsPoints()
    {
        var rising = Series.Of("rising", new double[] { 0, 10 }, new double[] { 0, 10 });
        var flat = new Series("flat", new Rgb(0, 160, 0));
        flat.Add(0, 8);
        flat.Add(10, 8);
        var picture = TrainingCurves.Render(new[] { rising, flat }, CurveOptions.Default.WithLineWidth(3).WithTitle("loss"));
        var area = picture.Area!;
        Assert.True(area.XMin <= 0 && area.XMax >= 10 && area.YMin <= 0 && area.YMax >= 10);
        using var pixels = new Pixels(picture);
        Rgb At(double x, double y) => pixels[(int)area.PixelX(x), (int)area.PixelY(y)];
        foreach (var t in new[] { 1.0, 2.5, 5.0, 6.5 })
        {
            Assert.True(Pixels.Distance(At(t, t), Rgb.Palette[0]) <= 30, $"at ({t}, {t}) the line's pixel is {At(t, t)}");
        }

        Assert.True(Pixels.Distance(At(3, 8), new Rgb(0, 160, 0)) <= 30, $"the flat line's pixel is {At(3, 8)}");
        // Off both lines, the background.
        Assert.True(Pixels.IsBackground(At(2, 5)), $"{At(2, 5)}");
        Assert.True(Pixels.IsBackground(At(6, 2)), $"{At(6, 2)}");
    }

    [Fact]
    public void TextIsDrawnWithTheEmbeddedFont()
    {
        // The native Skia library has no system fonts: without the embedded font the title would be blank.
        var series = Series.Of("x", new double[] { 0, 1 }, new double[] { 0, 1 });
        var with = TrainingCurves.Render(new[] { series }, CurveOptions.Default.WithTitle("Training curve"));
        using var pixels = new Pixels(with);
        var top = (int)with.Area!.Top;
        int dark = 0;
        for (int x = 0; x < pixels.Width; x++)
        {
            for (int y = 0; y < top - 4; y++)
            {
                dark += pixels[x, y].R < 128 ? 1 : 0;
            }
        }

        Assert.True(dark > 100, $"only {dark} dark pixels above the plot: the title was not drawn");
    }

    [Fact]
    public void PointsThatAreNotFiniteAreLeftOut()
    {
        var series = new Series("loss");
        series.Add(0, 2);
        series.Add(1, double.NaN);
        series.Add(2, 1);
        var picture = TrainingCurves.Render(new[] { series });
        Assert.True(picture.Area!.YMax < 10);
        var nothing = new Series("diverged");
        nothing.Add(0, double.PositiveInfinity);
        Assert.Throws<ArgumentException>(() => TrainingCurves.Render(new[] { nothing }));
        Assert.Throws<ArgumentException>(() => Series.Of("x", new double[] { 1 }, Array.Empty<double>()));
        Assert.Equal(3, series.Points.Count);
        Assert.Equal(new SeriesPoint(2, 1), series.Points.Last());
    }
}
