using System;
using System.Linq;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// The machine's float32 matrix-multiply rate, measured in the same process and thread setting as the cases: the
/// ceiling against which their achieved rates are read.
/// </summary>
/// <param name="Size">n of the n×n by n×n product.</param>
/// <param name="Seconds">Seconds of each timed product.</param>
internal sealed record MatmulRate(long Size, double[] Seconds)
{
    /// <summary>Operations per second at the median time (2n³ per product).</summary>
    public double FlopsPerSecond => 2.0 * Size * Size * Size / Timing.Median(Seconds);

    /// <summary>The rate at the fastest product.</summary>
    public double BestFlopsPerSecond => 2.0 * Size * Size * Size / Seconds.Min();

    /// <summary>Times <paramref name="reps"/> products of two random n×n float32 matrices after <paramref name="warmup"/> untimed ones.</summary>
    public static MatmulRate Measure(torch.Device device, long size, int warmup, int reps)
    {
        using var g = new torch.Generator(5);
        using var a = torch.randn(new[] { size, size }, generator: g).to(device);
        using var b = torch.randn(new[] { size, size }, generator: g).to(device);
        using var noGrad = torch.no_grad();
        void Product()
        {
            using var scope = torch.NewDisposeScope();
            a.mm(b);
        }

        Timing.Warm(Product, device, warmup);
        return new MatmulRate(size, Enumerable.Range(0, reps).Select(_ => Timing.Round(Product, device, 1)).ToArray());
    }

    /// <summary>Two measurements as one (their products pooled).</summary>
    public MatmulRate Pool(MatmulRate other) => new(Size, Seconds.Concat(other.Seconds).ToArray());

    /// <summary>"123.4 GFLOP/s (median of 10 products of 2048x2048 by 2048x2048; best 130.0)".</summary>
    public string Format() =>
        $"{FlopsPerSecond / 1e9:F1} GFLOP/s (median of {Seconds.Length} products of {Size}x{Size} by {Size}x{Size}, float32; best {BestFlopsPerSecond / 1e9:F1})";
}
