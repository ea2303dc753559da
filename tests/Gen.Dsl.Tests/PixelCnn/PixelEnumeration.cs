using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

/// <summary>Checks a tiny image model against its own density by listing every image it can produce.</summary>
internal static class PixelEnumeration
{
    /// <summary>Every image of shape [C, H, W] with values 0 … levels − 1, in the order of their base-<paramref name="levels"/> index, as [levels^(C·H·W), C, H, W].</summary>
    internal static torch.Tensor AllImages(long c, long h, long w, int levels)
    {
        int n = (int)(c * h * w);
        int total = (int)Math.Pow(levels, n);
        var values = new double[total * n];
        for (int k = 0; k < total; k++)
        {
            int rest = k;
            for (int d = n - 1; d >= 0; d--)
            {
                values[(k * n) + d] = rest % levels;
                rest /= levels;
            }
        }

        return torch.tensor(values, new long[] { total, c, h, w }, dtype: torch.float64);
    }

    /// <summary>The base-<paramref name="levels"/> index of each image of a batch [N, C, H, W], as in <see cref="AllImages"/>.</summary>
    internal static long[] Index(torch.Tensor images, int levels)
    {
        var flat = images.reshape(images.shape[0], -1).to_type(torch.int64);
        long n = flat.shape[1];
        var powers = torch.tensor(Enumerable.Range(0, (int)n).Select(d => (long)Math.Pow(levels, n - 1 - d)).ToArray());
        return (flat * powers).sum(dim: 1).data<long>().ToArray();
    }

    /// <summary>
    /// Pearson's chi-square statistic of observed counts against probabilities, over the cells expected to hold at
    /// least five draws (the rest pooled into one cell); returns the statistic and its degrees of freedom.
    /// </summary>
    internal static (double Statistic, int Degrees) ChiSquare(long[] indices, double[] probabilities)
    {
        var counts = new double[probabilities.Length];
        foreach (var k in indices)
        {
            counts[k]++;
        }

        double n = indices.Length, stat = 0, pooledObserved = 0, pooledExpected = 0;
        int cells = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            double expected = n * probabilities[k];
            if (expected >= 5)
            {
                stat += (counts[k] - expected) * (counts[k] - expected) / expected;
                cells++;
            }
            else
            {
                pooledObserved += counts[k];
                pooledExpected += expected;
            }
        }

        if (pooledExpected > 0)
        {
            stat += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / Math.Max(pooledExpected, 1e-300);
            cells++;
        }

        return (stat, cells - 1);
    }

    /// <summary>The 0.999 quantile of the chi-square distribution (Wilson–Hilferty, within 1% from 3 degrees of freedom up).</summary>
    internal static double Critical999(int degrees)
    {
        const double z = 3.0902; // the 0.999 quantile of the standard normal
        double k = degrees, v = 2.0 / (9 * k);
        return k * Math.Pow(1 - v + (z * Math.Sqrt(v)), 3);
    }

    /// <summary>
    /// The model's probabilities over every image sum to 1, and <paramref name="draws"/> samples fall on the images with
    /// those probabilities (chi-square at the 0.1% level).
    /// </summary>
    internal static void AssertSamplesMatchDensity(Func<torch.Tensor, torch.Tensor> logProb, Func<long, torch.Tensor> sample, long c, long h, long w, int levels, long draws)
    {
        using var scope = torch.NewDisposeScope();
        var all = AllImages(c, h, w, levels);
        torch.Tensor p;
        using (torch.no_grad())
        {
            p = logProb(all).exp();
        }

        Assert.Equal(1.0, p.sum().ToDouble(), 10);
        var probabilities = p.data<double>().ToArray();
        Assert.True(probabilities.Max() < 0.5, "the density is too concentrated for the test to mean much");
        var samples = sample(draws);
        Assert.Equal(new[] { draws, c, h, w }, samples.shape);
        var (stat, degrees) = ChiSquare(Index(samples, levels), probabilities);
        Assert.True(degrees >= 5, $"only {degrees} degrees of freedom");
        Assert.True(stat < Critical999(degrees), $"chi-square {stat:F1} with {degrees} degrees of freedom");
    }
}
