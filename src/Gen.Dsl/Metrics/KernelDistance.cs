using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The kernel distance of Bińkowski et al. (2018), KID when the features are Inception's: the unbiased MMD² between two
/// feature sets under the cubic polynomial kernel k(x, y) = (x·y / d + 1)³, averaged over random subsets of both sets.
/// Unlike the Fréchet distance it is unbiased, so its mean over subsets of two samples of one law is zero up to noise
/// (and may be negative), and values from sets of different sizes compare.
/// </summary>
public static class KernelDistance
{
    private const string Node = "kernel_distance";

    /// <summary>The kernel distance between two feature sets [n, d] and [m, d].</summary>
    /// <param name="a">The first set's features, one row per example.</param>
    /// <param name="b">The second set's features.</param>
    /// <param name="generator">Draws the subsets.</param>
    /// <param name="subsets">Subsets to average over (100 in the paper).</param>
    /// <param name="subsetSize">Examples per subset from each set (1000 in the paper; the smaller set's size when that is less).</param>
    /// <exception cref="GenShapeException">A set is not [n, d] with n ≥ 2, or the widths differ.</exception>
    /// <exception cref="ArgumentException">A feature is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The number of subsets is below 1 or the subset size below 2.</exception>
    public static KernelDistanceResult Between(torch.Tensor a, torch.Tensor b, torch.Generator generator, int subsets = 100, int subsetSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(generator);
        if (subsets < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(subsets), subsets, $"{Node}: average over at least one subset.");
        }

        if (subsetSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(subsetSize), subsetSize, $"{Node}: the unbiased estimate needs subsets of at least two examples.");
        }

        using var scope = torch.NewDisposeScope();
        var (x, y) = FeatureSets.Check(Node, a, b, minimumRows: 2);
        long size = Math.Min(subsetSize, Math.Min(x.shape[0], y.shape[0]));
        double d = x.shape[1];
        torch.Tensor K(torch.Tensor u, torch.Tensor v) => (u.matmul(v.t()) / d + 1).pow(3);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            using var step = torch.NewDisposeScope();
            var u = x.index_select(0, torch.randperm(x.shape[0], generator: generator).narrow(0, 0, size));
            var v = y.index_select(0, torch.randperm(y.shape[0], generator: generator).narrow(0, 0, size));
            values[s] = Mmd.UnbiasedFromMatrices(K(u, u), K(v, v), K(u, v)).item<double>();
        }

        double mean = values.Average();
        double sd = subsets > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (subsets - 1)) : double.NaN;
        return new KernelDistanceResult(mean, sd, subsets, size);
    }
}
