using System;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace Gen.Plots;

/// <summary>PNG encoding through SkiaSharp.</summary>
internal static class Png
{
    /// <summary>Encodes an image as PNG.</summary>
    internal static byte[] Encode(SKImage image)
    {
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Encodes opaque RGBA pixels (4 bytes per pixel, rows top to bottom) as PNG.</summary>
    internal static byte[] EncodeRgba(byte[] rgba, int width, int height)
    {
        if (rgba.Length != width * height * 4)
        {
            throw new InvalidOperationException($"png: {rgba.Length} bytes do not hold {width}×{height} RGBA pixels.");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var pixels = bitmap.GetPixels();
        for (int row = 0; row < height; row++)
        {
            Marshal.Copy(rgba, row * width * 4, pixels + (row * bitmap.RowBytes), width * 4);
        }

        using var image = SKImage.FromBitmap(bitmap);
        return Encode(image);
    }
}
