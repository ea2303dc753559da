using System;
using SkiaSharp;
using Xunit;

namespace Gen.Plots.Tests;

/// <summary>A picture decoded by SkiaSharp, for reading its pixels back.</summary>
internal sealed class Pixels : IDisposable
{
    private readonly SKBitmap bitmap;

    public Pixels(Picture picture)
    {
        bitmap = SKBitmap.Decode(picture.ToPng()) ?? throw new InvalidOperationException("SkiaSharp cannot decode the PNG.");
        Assert.Equal(picture.Width, bitmap.Width);
        Assert.Equal(picture.Height, bitmap.Height);
    }

    public int Width => bitmap.Width;

    public int Height => bitmap.Height;

    public Rgb this[int x, int y]
    {
        get
        {
            var c = bitmap.GetPixel(x, y);
            Assert.Equal(255, c.Alpha);
            return new Rgb(c.Red, c.Green, c.Blue);
        }
    }

    /// <summary>The largest channel difference between two colours.</summary>
    public static int Distance(Rgb a, Rgb b) => Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));

    /// <summary>Whether a colour is the white background or a light grid line, not a mark.</summary>
    public static bool IsBackground(Rgb c) => Math.Min(c.R, Math.Min(c.G, c.B)) >= 200 && Distance(c, Rgb.Gray(c.R)) <= 2;

    public void Dispose() => bitmap.Dispose();
}
