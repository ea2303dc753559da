using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>Shared numerics for the distribution families: constants, noise, broadcasting and safe special functions.</summary>
internal static class DistMath
{
    /// <summary>log(2π).</summary>
    internal const double Log2Pi = 1.8378770664093454835606594728112;

    /// <summary>log(π).</summary>
    internal const double LogPi = 1.1447298858494001741434273513531;

    /// <summary>The broadcast of the parameters' shapes (the batch shape of an elementwise family).</summary>
    internal static long[] BroadcastShapes(string node, params torch.Tensor[] parameters)
    {
        var shape = Array.Empty<long>();
        foreach (var p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p);
            shape = Shape.Broadcast(shape, p.shape, node);
        }

        return shape;
    }

    /// <summary>Standard normal noise with the dtype and device of <paramref name="like"/>.</summary>
    internal static torch.Tensor Normal(long[] shape, torch.Tensor like, torch.Generator? generator) =>
        DeviceRandom.Normal(shape, like.dtype, like.device, generator);

    /// <summary>Uniform noise on (0, 1): never exactly 0, so logarithms stay finite.</summary>
    internal static torch.Tensor UniformOpen(long[] shape, torch.Tensor like, torch.Generator? generator) =>
        DeviceRandom.Uniform(shape, like.dtype, like.device, generator).clamp_min(Tiny(like.dtype));

    /// <summary>The smallest positive normal number of a floating dtype.</summary>
    internal static double Tiny(torch.ScalarType dtype) => dtype == torch.ScalarType.Float64 ? 2.2250738585072014e-308 : 1.1754943508222875e-38;

    /// <summary>The largest number below 1 in a floating dtype (1 − 2⁻⁵³ in float64, 1 − 2⁻²⁴ in float32).</summary>
    internal static double BelowOne(torch.ScalarType dtype) => dtype == torch.ScalarType.Float64 ? 1 - Math.Pow(2, -53) : 1 - Math.Pow(2, -24);

    /// <summary>Gamma(concentration, 1) draws; differentiable with respect to the concentration (implicit reparameterisation in libtorch).</summary>
    internal static torch.Tensor StandardGamma(torch.Tensor concentration, torch.Generator? generator) =>
        DeviceRandom.StandardGamma(concentration, generator).clamp_min(Tiny(concentration.dtype));

    /// <summary>
    /// log G for G ~ Gamma(concentration, 1), stable for small concentrations and differentiable: G = G′ U^(1/α) with
    /// G′ ~ Gamma(α + 1) (libtorch's implicit gradient) and U uniform, so log G = log G′ + log U / α never underflows.
    /// </summary>
    internal static torch.Tensor LogStandardGamma(torch.Tensor concentration, torch.Generator? generator)
    {
        var boosted = StandardGamma(concentration + 1, generator).log();
        var u = UniformOpen(concentration.shape, concentration, generator);
        return boosted + u.log() / concentration;
    }

    /// <summary>Dirichlet(concentration) draws over the last dimension, as normalised gammas (softmax of log-gammas).</summary>
    internal static torch.Tensor SampleDirichlet(torch.Tensor concentration, torch.Generator? generator) =>
        LogStandardGamma(concentration, generator).softmax(-1);

    /// <summary>
    /// softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)), exact to rounding for every x. (libtorch's softplus
    /// returns x itself above a threshold of 20, which is off by e^(−x) ≈ 2·10⁻⁹ there: far above float64 rounding.)
    /// max(x, 0) is written (x + |x|)/2, exact in floating point, because its derivative at 0 is then ½ (|x|′ = 0
    /// there), which with the second term's 0 gives σ(0) = ½; clamp_min's derivative at 0 is 1, which would put the
    /// gradient at exactly x = 0 (a zero-initialised output meeting a zero) off by ½.
    /// </summary>
    internal static torch.Tensor Softplus(torch.Tensor x)
    {
        var a = x.abs();
        return (x + a) * 0.5 + a.neg().exp().log1p();
    }

    /// <summary>
    /// w · x with 0 where w = 0 (0 · log 0 = 0, 0 · ∞ = 0), for entropies and KL terms. x is replaced by 0 there before
    /// the product, not the product afterwards: otherwise the backward pass would still form 0 · ∞ = NaN for w's
    /// gradient (a category masked out with a −∞ logit).
    /// </summary>
    internal static torch.Tensor Weighted(torch.Tensor w, torch.Tensor x) => w * torch.where(w.eq(0), torch.zeros_like(x), x);

    /// <summary>log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b).</summary>
    internal static torch.Tensor LogBeta(torch.Tensor a, torch.Tensor b) => a.lgamma() + b.lgamma() - (a + b).lgamma();

    /// <summary>Elements that are whole numbers.</summary>
    internal static torch.Tensor IsInteger(torch.Tensor value) =>
        value.is_floating_point() ? value.eq(value.floor()) : torch.ones_like(value, dtype: torch.ScalarType.Bool);

    /// <summary>Requires the last dimension to exist (categorical-style parameters).</summary>
    internal static void RequireVector(torch.Tensor parameter, string family, string name)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.dim() < 1)
        {
            throw new GenShapeException(family, $"parameter '{name}' needs at least one dimension (the categories), got a scalar.");
        }
    }
}
