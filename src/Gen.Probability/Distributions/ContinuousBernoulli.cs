using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem and Cunningham, 2019): density
/// C(λ) λ^x (1 − λ)^(1−x), the properly normalised version of a Bernoulli likelihood applied to intensities in [0, 1].
/// Reparameterisable through its inverse CDF.
/// </summary>
/// <remarks>
/// In the natural parameter t = logit λ the normaliser is C = t / tanh(t/2), the mean 1/(1 − e^(−t)) − 1/t and the
/// variance 1/t² − 1/(4 sinh²(t/2)). These closed forms cancel as t → 0 (λ → ½), so for |t| &lt; <see cref="SeriesRadius"/>
/// they are replaced by their power series, whose coefficients are B₂ₙ/(2n)! (Bernoulli numbers): there
/// (t/2) coth(t/2) = 1 + Σ cₙ t²ⁿ, the mean is ½ + Σ cₙ t²ⁿ⁻¹ and the variance Σ (2n − 1) cₙ t²ⁿ⁻². Eighteen terms
/// are exact to float64 within the radius, and outside it the closed forms lose at most a few bits, so values are
/// within a few ulps everywhere and smooth across ½. The CDF and quantile, expm1(t x) / expm1(t) and
/// log1p(u expm1(t)) / t, are evaluated in forms whose exponents are never positive, so they hold for any finite t.
/// </remarks>
public sealed class ContinuousBernoulli : Distribution, IDistribution
{
    /// <summary>The |logit λ| below which power series replace the closed forms (λ between 0.12 and 0.88).</summary>
    public const double SeriesRadius = 2.0;

    // cₙ = B₂ₙ / (2n)! for n = 1 … 18 (from 40-digit arithmetic); cₙ 2²ⁿ falls below 1e-17 by n = 18.
    private static readonly double[] SeriesCoefficients =
    {
        0.08333333333333333, -0.001388888888888889, 3.306878306878307e-05, -8.267195767195768e-07,
        2.08767569878681e-08, -5.284190138687493e-10, 1.3382536530684679e-11, -3.3896802963225827e-13,
        8.586062056277845e-15, -2.174868698558062e-16, 5.5090028283602295e-18, -1.3954464685812522e-19,
        3.534707039629467e-21, -8.953517427037546e-23, 2.267952452337683e-24, -5.744790668872202e-26,
        1.455172475614865e-27, -3.6859949406653103e-29,
    };

    private readonly BinaryParameter p;

    /// <summary>Creates the distribution from logits or from λ (give exactly one).</summary>
    /// <param name="byName">Never given: it makes the parameters after it named-only (<see cref="Distributions.ByName"/>).</param>
    /// <param name="logits">log(λ / (1 − λ)).</param>
    /// <param name="probs">λ in [0, 1].</param>
    public ContinuousBernoulli(ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(new BinaryParameter(logits, probs, "ContinuousBernoulli"))
    {
    }

    private ContinuousBernoulli(BinaryParameter p)
        : base(p.Given.shape, Array.Empty<long>())
    {
        this.p = p;
        p.Check(CheckParameter);
        // λ = 0 or 1 (infinite logits) is a point mass at 0 or 1, not a density on [0, 1]: log-densities, the entropy and
        // samples would be NaN there.
        CheckParameter(p.Given, p.IsLogits ? "logits" : "probs", t => p.IsLogits ? t.isfinite() : t.gt(0).logical_and(t.lt(1)), p.IsLogits ? "finite" : "in (0, 1)");
    }

    /// <summary>λ.</summary>
    public torch.Tensor Probs => p.Probs;

    /// <summary>log(λ / (1 − λ)).</summary>
    public torch.Tensor Logits => p.Logits;

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>log C(λ), the log-normaliser.</summary>
    public torch.Tensor LogNormalizer()
    {
        using var scope = torch.NewDisposeScope();
        var (near, tNear, tFar) = Split();
        // log C = log |t| − log tanh(|t|/2) away from ½; log 2 + log1p(Σ cₙ t²ⁿ) near it.
        var a = tFar.abs();
        var exact = a.log() - (a / 2).tanh().log();
        var s = tNear.square();
        var series = Math.Log(2) + (s * Series(s, 1)).log1p();
        return torch.where(near, series, exact).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var (near, tNear, tFar) = Split();
            // 1/(1 − e^(−t)) is r = 1/(1 − e^(−|t|)) for t > 0 and −e^(−|t|) r for t < 0: no overflow, no cancellation,
            // finite gradients.
            var a = tFar.abs();
            var r = torch.special.expm1(a.neg()).neg().reciprocal();
            var exact = torch.where(tFar.gt(0), r, -a.neg().exp() * r) - tFar.reciprocal();
            var series = 0.5 + tNear * Series(tNear.square(), 1);
            return torch.where(near, series, exact).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var (near, tNear, tFar) = Split();
            // 1/(4 sinh²(t/2)) = e^(−|t|) / expm1(−|t|)², which neither overflows nor has infinite gradients.
            var a = tFar.abs();
            var exact = tFar.square().reciprocal() - a.neg().exp() / torch.special.expm1(a.neg()).square();
            var series = Series(tNear.square(), 2);
            return torch.where(near, series, exact).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The differential entropy, −E[log p(x)].</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        var mean = Mean;
        return (-(LogNormalizer() + mean * p.LogP + (1 - mean) * p.Log1mP)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var x = value.to_type(p.Given.dtype);
        var inSupport = x.ge(0).logical_and(x.le(1));
        var lp = LogNormalizer() + p.WeightedLog(x, 1 - x);
        return MaskSupport(lp, value, inSupport, "[0, 1]").MoveToOuterDisposeScope();
    }

    /// <summary>P(X ≤ x) for x in [0, 1].</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        // With t = logit λ and a = |t| the CDF is q(x) = expm1(−a·x) / expm1(−a) for t < 0, and e^(−a(1−x))·q(x) for
        // t > 0 (the same expm1(t·x) / expm1(t), rewritten so that no exponent is positive: no overflow for any t);
        // at t = 0 (λ = ½) it is x.
        var (t, zero) = SafeLogits();
        var a = t.abs();
        var x = value.to_type(p.Given.dtype).clamp(0, 1);
        var q = torch.special.expm1(-a * x) / torch.special.expm1(-a);
        var cdf = torch.where(t.gt(0), (a * (x - 1)).exp() * q, q);
        return torch.where(zero, x.expand_as(cdf), cdf).MoveToOuterDisposeScope();
    }

    /// <summary>The quantile: the x with P(X ≤ x) = u, for u in [0, 1]; differentiable in λ.</summary>
    public torch.Tensor Icdf(torch.Tensor u)
    {
        ArgumentNullException.ThrowIfNull(u);
        using var scope = torch.NewDisposeScope();
        // The inverse of the CDF is log1p(u·expm1(t)) / t (u itself at t = 0). For t < 0 that is −log1p(u·expm1(−a)) / a,
        // accurate for every a = |t|. For t > 0 it is accurate too, but expm1(t) overflows for large t; there the same
        // value is 1 + log1p((1 − u)·expm1(−a)) / a (the mirror image: 1 − X has logit −t), which has no positive
        // exponent but cancels where the quantile is near 0, which needs u below about e^(−a): so the first form is
        // used while expm1(t) is finite, the second beyond. Both branches get finite inputs, so gradients stay finite.
        var (t, zero) = SafeLogits();
        var a = t.abs();
        var m = torch.special.expm1(-a);
        double cap = Math.Log(torch.finfo(t.dtype).max) - 4;
        var small = a.le(cap);
        var direct = torch.log1p(u * torch.special.expm1(a.clamp_max(cap))) / a;
        var mirrored = 1 + torch.log1p((1 - u) * m) / a;
        var x = torch.where(t.gt(0), torch.where(small, direct, mirrored), -torch.log1p(u * m) / a);
        return torch.where(zero, u.expand_as(x), x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var u = DistMath.UniformOpen(shape, p.Given, generator).clamp_max(DistMath.BelowOne(p.Given.dtype));
        return Icdf(u).MoveToOuterDisposeScope();
    }

    // logit λ, with exact zeros (λ = ½) replaced by 1 so the forms above stay finite there; the mask says where.
    private (torch.Tensor T, torch.Tensor Zero) SafeLogits()
    {
        var t = p.Logits;
        var zero = t.eq(0);
        return (torch.where(zero, torch.ones_like(t), t), zero);
    }

    // Where |t| < SeriesRadius, t there (0 elsewhere) for the series, and t elsewhere (the radius there) for the closed
    // forms: torch.where evaluates both branches everywhere, so each gets inputs where it is finite with finite gradients.
    private (torch.Tensor Near, torch.Tensor TNear, torch.Tensor TFar) Split()
    {
        var t = p.Logits;
        var near = t.abs().lt(SeriesRadius);
        return (near, torch.where(near, t, torch.zeros_like(t)), torch.where(near, torch.full_like(t, SeriesRadius), t));
    }

    // Σₙ wₙ cₙ sⁿ⁻¹ by Horner's rule, with weights wₙ = 1 (kind 1) or 2n − 1 (kind 2, the variance).
    private static torch.Tensor Series(torch.Tensor s, int kind)
    {
        int last = SeriesCoefficients.Length;
        double Weight(int n) => kind == 1 ? 1 : 2 * n - 1;
        var acc = torch.full_like(s, SeriesCoefficients[last - 1] * Weight(last));
        for (int n = last - 1; n >= 1; n--)
        {
            acc = acc * s + SeriesCoefficients[n - 1] * Weight(n);
        }

        return acc;
    }
}
