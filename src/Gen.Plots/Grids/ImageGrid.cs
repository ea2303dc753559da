using System;
using TorchSharp;

namespace Gen.Plots;

/// <summary>
/// Sample grids for image models: N images side by side in rows, with padding around and between them, drawn
/// pixel for pixel (no smoothing), as a PNG. Grey images become grey pixels; three-channel images are RGB.
/// </summary>
public static class ImageGrid
{
    private const string Node = "image_grid";

    /// <summary>
    /// Draws the images in <paramref name="images"/> row by row, left to right. Image k sits in grid row
    /// k / columns and grid column k % columns; its pixel (i, j) covers the output pixels from
    /// (padding + column·(W·scale + padding) + j·scale, padding + row·(H·scale + padding) + i·scale) on, for
    /// <c>scale</c> pixels each way. A value v becomes round(255 · (v − low) / (high − low)) after clamping to
    /// [low, high]. Grid cells after the last image keep the padding colour.
    /// </summary>
    /// <param name="images">
    /// [N, C, H, W] with C = 1 (grey) or 3 (RGB), [N, H, W] (grey), or flat [N, D] with D = side² (grey) or 3·side²
    /// (RGB, channel-major as a flattened [3, side, side]); any device, any real dtype.
    /// </param>
    /// <param name="options">Layout and value range; null for <see cref="ImageGridOptions.Default"/>.</param>
    /// <exception cref="GenShapeException">The images have another shape, or a flat size does not fit the side.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or an image holds NaN.</exception>
    public static Picture Render(torch.Tensor images, ImageGridOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        options ??= ImageGridOptions.Default;
        CheckOptions(options);
        var (n, c, h, w) = ImageShape(images, options.Side);
        int columns = options.Columns ?? (int)Math.Ceiling(Math.Sqrt(n));
        if (columns < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Columns, $"{Node}: the number of columns must be at least 1.");
        }

        columns = Math.Min(columns, n);
        int rows = (n + columns - 1) / columns;
        int scale = options.Scale;
        int pad = options.Padding;
        long width = (columns * (long)w * scale) + ((columns + 1L) * pad);
        long height = (rows * (long)h * scale) + ((rows + 1L) * pad);
        if (width > PlotRenderer.MaxSide || height > PlotRenderer.MaxSide)
        {
            throw new ArgumentException(
                $"{Node}: {n} images of {h}×{w} in {columns} columns at scale {scale} make a {width}×{height} picture; the largest side is {PlotRenderer.MaxSide} pixels. Draw fewer images, or use a smaller scale.",
                nameof(images));
        }

        var values = TensorValues.Read(images);
        var rgba = new byte[width * height * 4];
        var background = options.PaddingColour ?? Rgb.Gray(128);
        for (long p = 0; p < rgba.Length; p += 4)
        {
            rgba[p] = background.R;
            rgba[p + 1] = background.G;
            rgba[p + 2] = background.B;
            rgba[p + 3] = 255;
        }

        int plane = h * w;
        for (int k = 0; k < n; k++)
        {
            long x0 = pad + ((k % columns) * ((long)(w * scale) + pad));
            long y0 = pad + ((k / columns) * ((long)(h * scale) + pad));
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    long at = ((long)k * c * plane) + (i * w) + j;
                    byte r = Level(values[at], options, k, i, j);
                    byte g = c == 3 ? Level(values[at + plane], options, k, i, j) : r;
                    byte b = c == 3 ? Level(values[at + (2 * plane)], options, k, i, j) : r;
                    for (int dy = 0; dy < scale; dy++)
                    {
                        long offset = (((y0 + (i * scale) + dy) * width) + x0 + (j * scale)) * 4;
                        for (int dx = 0; dx < scale; dx++, offset += 4)
                        {
                            rgba[offset] = r;
                            rgba[offset + 1] = g;
                            rgba[offset + 2] = b;
                        }
                    }
                }
            }
        }

        return new Picture(Png.EncodeRgba(rgba, (int)width, (int)height), (int)width, (int)height, null);
    }

    private static byte Level(double v, ImageGridOptions options, int k, int i, int j)
    {
        if (double.IsNaN(v))
        {
            throw new ArgumentException($"{Node}: image {k} holds NaN at pixel ({i}, {j}); a picture needs numbers.", "images");
        }

        var t = (v - options.Low) / (options.High - options.Low);
        return (byte)Math.Round(255 * Math.Clamp(t, 0, 1));
    }

    private static void CheckOptions(ImageGridOptions options)
    {
        if (options.Padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Padding, $"{Node}: the padding must be 0 or more pixels.");
        }

        if (options.Scale < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Scale, $"{Node}: the scale must be at least 1.");
        }

        if (!(options.Low < options.High) || !double.IsFinite(options.Low) || !double.IsFinite(options.High))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{Node}: the value range needs finite low < high, got [{options.Low}, {options.High}].");
        }
    }

    // (N, C, H, W) of the images as they are laid out in memory.
    private static (int N, int C, int H, int W) ImageShape(torch.Tensor images, int? side)
    {
        var shape = images.shape;
        if (shape.Length is < 2 or > 4 || shape[0] < 1)
        {
            throw new GenShapeException(Node, $"expects images [N, C, H, W], [N, H, W] or flat [N, D] with N at least 1, got {Shape.Format(shape)}.");
        }

        if (shape.Length == 4)
        {
            if (shape[1] != 1 && shape[1] != 3)
            {
                throw new GenShapeException(Node, $"images [N, C, H, W] need C = 1 (grey) or 3 (RGB), got {Shape.Format(shape)}.");
            }

            return Checked(shape[0], shape[1], shape[2], shape[3], shape);
        }

        if (shape.Length == 3)
        {
            return Checked(shape[0], 1, shape[1], shape[2], shape);
        }

        long d = shape[1];
        if (side is { } s)
        {
            if (s < 1 || (d != (long)s * s && d != 3L * s * s))
            {
                throw new GenShapeException(Node, $"flat images of {d} values are not squares of side {s} (that takes {(long)s * s} grey or {3L * s * s} RGB values); got {Shape.Format(shape)}.");
            }

            return Checked(shape[0], d / ((long)s * s), s, s, shape);
        }

        foreach (var channels in new[] { 1L, 3L })
        {
            var root = (long)Math.Round(Math.Sqrt(d / (double)channels));
            if (d % channels == 0 && root * root * channels == d)
            {
                return Checked(shape[0], channels, root, root, shape);
            }
        }

        throw new GenShapeException(Node, $"flat images of {d} values are neither side² (grey) nor 3·side² (RGB); pass the side in the options, or reshape to [N, C, H, W]. Got {Shape.Format(shape)}.");
    }

    private static (int, int, int, int) Checked(long n, long c, long h, long w, long[] shape)
    {
        if (h < 1 || w < 1 || n > int.MaxValue || h > PlotRenderer.MaxSide || w > PlotRenderer.MaxSide)
        {
            throw new GenShapeException(Node, $"images need a height and width from 1 to {PlotRenderer.MaxSide}, got {Shape.Format(shape)}.");
        }

        return ((int)n, (int)c, (int)h, (int)w);
    }
}
