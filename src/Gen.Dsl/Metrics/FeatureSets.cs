using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>The checks every sample-quality metric makes of its two feature sets.</summary>
internal static class FeatureSets
{
    /// <summary>
    /// Both sets as float64 rows [n, d] on the CPU, checked: two-dimensional, one width, at least
    /// <paramref name="minimumRows"/> rows each, every value finite. Errors name <paramref name="node"/>.
    /// </summary>
    public static (torch.Tensor A, torch.Tensor B) Check(string node, torch.Tensor a, torch.Tensor b, long minimumRows)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1] || a.shape[1] < 1)
        {
            throw new GenShapeException(node, $"expects two feature sets [n, d] of one width d, got {Shape.Format(a.shape)} and {Shape.Format(b.shape)}.");
        }

        if (a.shape[0] < minimumRows || b.shape[0] < minimumRows)
        {
            throw new GenShapeException(node, $"needs at least {minimumRows} examples in each set, got {a.shape[0]} and {b.shape[0]}.");
        }

        var x = a.detach().to(torch.float64, torch.CPU);
        var y = b.detach().to(torch.float64, torch.CPU);
        foreach (var (t, name) in new[] { (x, "first"), (y, "second") })
        {
            using var finite = t.isfinite().all();
            if (!finite.item<bool>())
            {
                throw new ArgumentException($"{node}: the {name} feature set holds NaN or infinite values.");
            }
        }

        return (x, y);
    }
}
