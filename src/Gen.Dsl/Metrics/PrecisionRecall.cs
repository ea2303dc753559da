using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019): each set's support is estimated as the union of balls
/// around its examples, each ball reaching the example's k-th nearest neighbour within the set. Precision is the share
/// of generated examples inside the data's support (are the samples realistic?), recall the share of data examples
/// inside the samples' support (is the data's variety covered?). A generator that puts its samples in thin streaks
/// near the modes keeps its precision and loses recall, which mode counts cannot see.
/// </summary>
public static class PrecisionRecall
{
    private const string Node = "precision_recall";

    /// <summary>Precision and recall of <paramref name="generated"/> [m, d] against <paramref name="data"/> [n, d] (features, or the points themselves for 2-D sets).</summary>
    /// <param name="data">The real examples.</param>
    /// <param name="generated">The model's samples.</param>
    /// <param name="k">The neighbour whose distance is each ball's radius (3 in the paper).</param>
    /// <exception cref="GenShapeException">A set is not [n, d], the widths differ, or a set has no more than k examples.</exception>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public static PrecisionRecallResult Measure(torch.Tensor data, torch.Tensor generated, int k = 3)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"{Node}: k must be at least 1.");
        }

        using var scope = torch.NewDisposeScope();
        var (real, fake) = FeatureSets.Check(Node, data, generated, minimumRows: k + 1);
        var realRadii = Radii(real, k);
        var fakeRadii = Radii(fake, k);
        return new PrecisionRecallResult(Covered(fake, real, realRadii), Covered(real, fake, fakeRadii), k);
    }

    private const long Chunk = 1024;

    // Each row's distance to its k-th nearest other row (the row itself, at distance 0, comes first and is skipped).
    private static torch.Tensor Radii(torch.Tensor x, int k)
    {
        var radii = new torch.Tensor[(x.shape[0] + Chunk - 1) / Chunk];
        for (long start = 0, i = 0; start < x.shape[0]; start += Chunk, i++)
        {
            var rows = x.narrow(0, start, Math.Min(Chunk, x.shape[0] - start));
            radii[i] = torch.cdist(rows, x).topk(k + 1, dim: 1, largest: false).values.select(1, k);
        }

        return torch.cat(radii);
    }

    // The share of the rows of `points` within radii[j] of some row j of `support`.
    private static double Covered(torch.Tensor points, torch.Tensor support, torch.Tensor radii)
    {
        long inside = 0;
        for (long start = 0; start < points.shape[0]; start += Chunk)
        {
            using var step = torch.NewDisposeScope();
            var rows = points.narrow(0, start, Math.Min(Chunk, points.shape[0] - start));
            inside += torch.cdist(rows, support).le(radii.unsqueeze(0)).any(1).sum().item<long>();
        }

        return (double)inside / points.shape[0];
    }
}
