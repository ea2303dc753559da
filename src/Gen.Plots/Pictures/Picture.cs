using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SkiaSharp;

namespace Gen.Plots;

/// <summary>
/// A finished picture: a PNG file's bytes and its size. Plots also tell where their data lie (<see cref="Area"/>).
/// </summary>
public sealed class Picture
{
    private readonly byte[] png;

    internal Picture(byte[] png, int width, int height, PlotArea? area)
    {
        this.png = png;
        Width = width;
        Height = height;
        Area = area;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>For a plot, where its data lie in the picture; null for an image grid or a row of pictures.</summary>
    public PlotArea? Area { get; }

    /// <summary>The PNG file's bytes (a copy).</summary>
    public byte[] ToPng() => (byte[])png.Clone();

    /// <summary>Writes the picture as a PNG file, creating its folder when missing, and returns the file's full path.</summary>
    /// <param name="path">The file to write, for example <c>out/samples.png</c>.</param>
    public string Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, png);
        return full;
    }

    /// <summary>The pictures side by side, tops aligned, <paramref name="gap"/> pixels apart, on a white background.</summary>
    /// <param name="pictures">One or more pictures, left to right.</param>
    /// <param name="gap">Pixels between neighbours (0 or more).</param>
    /// <exception cref="ArgumentException">No picture is given, or the gap is negative.</exception>
    public static Picture Row(IReadOnlyList<Picture> pictures, int gap = 8)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        if (pictures.Count == 0 || pictures.Any(p => p is null))
        {
            throw new ArgumentException("picture.row: pass one or more pictures, none of them null.", nameof(pictures));
        }

        if (gap < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gap), gap, "picture.row: the gap must be 0 or more pixels.");
        }

        int width = pictures.Sum(p => p.Width) + (gap * (pictures.Count - 1));
        int height = pictures.Max(p => p.Height);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        int x = 0;
        foreach (var picture in pictures)
        {
            using var image = SKImage.FromEncodedData(picture.png);
            surface.Canvas.DrawImage(image, x, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
            x += picture.Width + gap;
        }

        using var row = surface.Snapshot();
        return new Picture(Png.Encode(row), width, height, null);
    }
}
