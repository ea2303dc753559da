using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The squared maximum mean discrepancy MMD²(P, Q) = E k(X, X') + E k(Y, Y') − 2 E k(X, Y) between the laws of two
/// samples, X ~ P and Y ~ Q (Gretton et al. 2012), under a <see cref="Kernel"/>. Each example is one row (images are
/// flattened). Every estimator is differentiable with respect to both samples, so it is a training loss for any
/// sampler (a generative moment-matching network, Li et al. 2015).
/// </summary>
public static class Mmd
{
    private const string Node = "mmd";

    /// <summary>
    /// The unbiased estimate (a U-statistic): the within-sample means leave out each example's kernel with itself, so
    /// its expectation is MMD² exactly; it can be negative when the laws are close. Needs two or more rows in each sample.
    /// </summary>
    /// <param name="x">A sample [n, ...].</param>
    /// <param name="y">A sample [m, ...] of the same event shape, dtype and device.</param>
    /// <param name="kernel">The kernel.</param>
    /// <exception cref="GenShapeException">The samples' events differ, or a sample has fewer than two rows.</exception>
    public static torch.Tensor Unbiased(torch.Tensor x, torch.Tensor y, Kernel kernel)
    {
        var (a, b) = Rows(x, y, kernel, 2);
        using var scope = torch.NewDisposeScope();
        return UnbiasedFromMatrices(kernel.Of(SquaredDistances(a, a)), kernel.Of(SquaredDistances(b, b)), kernel.Of(SquaredDistances(a, b))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The unbiased estimate from the kernel matrices within and between the samples ([n, n], [m, m], [n, m]), for any
    /// kernel, radial or not (the kernel distance's polynomial one).
    /// </summary>
    internal static torch.Tensor UnbiasedFromMatrices(torch.Tensor xx, torch.Tensor yy, torch.Tensor xy)
    {
        using var scope = torch.NewDisposeScope();
        long n = xx.shape[0], m = yy.shape[0];
        var within = ((xx.sum() - xx.diagonal().sum()) / (n * (n - 1))) + ((yy.sum() - yy.diagonal().sum()) / (m * (m - 1)));
        return (within - (2 * xy.mean())).MoveToOuterDisposeScope();
    }

    /// <summary>The biased estimate (a V-statistic, the squared distance of the empirical mean embeddings): never negative, and too large by O(1/n).</summary>
    /// <param name="x">A sample [n, ...].</param>
    /// <param name="y">A sample [m, ...] of the same event shape.</param>
    /// <param name="kernel">The kernel.</param>
    /// <exception cref="GenShapeException">The samples' events differ, or a sample is empty.</exception>
    public static torch.Tensor Biased(torch.Tensor x, torch.Tensor y, Kernel kernel)
    {
        var (a, b) = Rows(x, y, kernel, 1);
        using var scope = torch.NewDisposeScope();
        var value = kernel.Of(SquaredDistances(a, a)).mean() + kernel.Of(SquaredDistances(b, b)).mean() - (2 * kernel.Of(SquaredDistances(a, b)).mean());
        return value.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The linear-time unbiased estimate (Gretton et al. 2012, section 6): the mean over pairs i of
    /// k(x₂ᵢ, x₂ᵢ₊₁) + k(y₂ᵢ, y₂ᵢ₊₁) − k(x₂ᵢ, y₂ᵢ₊₁) − k(x₂ᵢ₊₁, y₂ᵢ), in O(n) kernel evaluations instead of O(n²),
    /// with more variance. Both samples have the same, even number of rows.
    /// </summary>
    /// <param name="x">A sample [n, ...], n even.</param>
    /// <param name="y">A sample [n, ...].</param>
    /// <param name="kernel">The kernel.</param>
    /// <exception cref="GenShapeException">The samples' shapes differ, or n is odd or below 2.</exception>
    public static torch.Tensor LinearTime(torch.Tensor x, torch.Tensor y, Kernel kernel)
    {
        var (a, b) = Rows(x, y, kernel, 2);
        if (a.shape[0] != b.shape[0] || a.shape[0] % 2 != 0)
        {
            throw new GenShapeException(Node, $"the linear-time estimate pairs the rows of two samples of one even size, got {a.shape[0]} and {b.shape[0]} rows.");
        }

        using var scope = torch.NewDisposeScope();
        var (x1, x2) = (a.reshape(-1, 2, a.shape[1]).select(1, 0), a.reshape(-1, 2, a.shape[1]).select(1, 1));
        var (y1, y2) = (b.reshape(-1, 2, b.shape[1]).select(1, 0), b.reshape(-1, 2, b.shape[1]).select(1, 1));
        torch.Tensor K(torch.Tensor u, torch.Tensor v) => kernel.Of((u - v).square().sum(-1));
        return (K(x1, x2) + K(y1, y2) - K(x1, y2) - K(x2, y1)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A training loss for any sampler by moment matching (a generative moment-matching network, Li et al. 2015):
    /// MMD² between a batch of data and as many fresh samples of <paramref name="model"/>, drawn with gradient, by the
    /// unbiased estimate (or the biased one, whose square root the paper minimised, with <paramref name="biased"/>).
    /// Pass it to a <see cref="Trainer"/> with an optimizer over the sampler's parameters.
    /// </summary>
    /// <param name="model">The sampler to train.</param>
    /// <param name="kernel">The kernel, usually a mixture of bandwidths (<see cref="Kernel.GaussianMixture"/>).</param>
    /// <param name="biased">Whether to use the biased estimate.</param>
    /// <param name="generator">A seeded generator for the samples; the device's global generator when null.</param>
    /// <returns>The loss of a batch, with the term <c>mmd2</c>.</returns>
    public static Func<torch.Tensor, Loss> Loss(IDifferentiableSampler model, Kernel kernel, bool biased = false, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(kernel);
        return batch =>
        {
            ArgumentNullException.ThrowIfNull(batch);
            var samples = model.RSample(batch.shape[0], generator);
            var value = biased ? Biased(samples, batch, kernel) : Unbiased(samples, batch, kernel);
            return new Loss(value, new[] { ("mmd2", value) });
        };
    }

    /// <summary>‖aᵢ − bⱼ‖² for rows aᵢ, bⱼ, [n, m], clamped at 0 against rounding.</summary>
    internal static torch.Tensor SquaredDistances(torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        var d = a.square().sum(-1, keepdim: true) + b.square().sum(-1).unsqueeze(0) - (2 * a.matmul(b.t()));
        return d.clamp_min(0).MoveToOuterDisposeScope();
    }

    // Both samples as rows [n, D] of one width, dtype and device.
    private static (torch.Tensor X, torch.Tensor Y) Rows(torch.Tensor x, torch.Tensor y, Kernel kernel, long minimumRows)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(kernel);
        if (x.dim() < 2 || y.dim() < 2 || !x.shape.AsSpan(1).SequenceEqual(y.shape.AsSpan(1)))
        {
            throw new GenShapeException(Node, $"expects two samples [rows, ...] of one event shape, got {Shape.Format(x.shape)} and {Shape.Format(y.shape)}.");
        }

        if (x.shape[0] < minimumRows || y.shape[0] < minimumRows)
        {
            throw new GenShapeException(Node, $"this estimate needs at least {minimumRows} rows in each sample, got {x.shape[0]} and {y.shape[0]}.");
        }

        if (x.dtype != y.dtype || x.device.type != y.device.type || x.device.index != y.device.index)
        {
            throw new ArgumentException($"{Node}: the samples are {x.dtype} on {x.device} and {y.dtype} on {y.device}; they must match.", nameof(y));
        }

        return (x.flatten(1), y.flatten(1));
    }
}
