using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The continuous Bernoulli distribution on [0, 1] (Loaiza-Ganem and Cunningham, 2019): density
/// C(λ) λ^x (1 − λ)^(1−x), the properly normalised version of a Bernoulli likelihood applied to intensities in [0, 1].
/// Reparameterisable through its inverse CDF.
/// </summary>
/// <remarks>
/// The normaliser C(λ) = 2 atanh(1 − 2λ) / (1 − 2λ), the mean and the variance have removable singularities at
/// λ = ½; within <see cref="TaylorRadius"/> of ½ they are computed from their Taylor series, elsewhere in closed form,
/// so values and gradients are smooth across ½. The CDF and quantile are written in t = logit λ as
/// expm1(t x) / expm1(t) and log1p(u expm1(t)) / t, accurate arbitrarily close to ½.
/// </remarks>
public sealed class ContinuousBernoulli : Distribution, IDistribution
{
    /// <summary>Half-width of the interval around λ = ½ where series replace the closed forms.</summary>
    public const double TaylorRadius = 1e-2;

    private readonly BinaryParameter p;

    /// <summary>Creates the distribution from logits or from λ (give exactly one).</summary>
    /// <param name="logits">log(λ / (1 − λ)).</param>
    /// <param name="probs">λ in [0, 1].</param>
    public ContinuousBernoulli(torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(new BinaryParameter(logits, probs, "ContinuousBernoulli"))
    {
    }

    private ContinuousBernoulli(BinaryParameter p)
        : base(p.Given.shape, Array.Empty<long>())
    {
        this.p = p;
        p.Check(CheckParameter);
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
        var (lambda, near, cut) = Cut();
        // Away from ½: log|log((1−λ)/λ)| − log|1 − 2λ| (2 atanh(1 − 2λ) = log((1 − λ)/λ)).
        var exact = (cut.neg().log1p() - cut.log()).abs().log() - (1 - 2 * cut).abs().log();
        var x = lambda - 0.5;
        var x2 = x.square();
        var series = Math.Log(2) + x2 * (4.0 / 3.0 + x2 * (104.0 / 45.0));
        return torch.where(near, series, exact).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var (lambda, near, cut) = Cut();
            var exact = cut / (2 * cut - 1) + 1 / (cut.neg().log1p() - cut.log());
            var x = lambda - 0.5;
            var x2 = x.square();
            var series = 0.5 + (1.0 / 3.0 + (16.0 / 45.0 + 704.0 / 945.0 * x2) * x2) * x;
            return torch.where(near, series, exact).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var (lambda, near, cut) = Cut();
            var exact = cut * (cut - 1) / (1 - 2 * cut).square() + 1 / (cut.neg().log1p() - cut.log()).square();
            var x2 = (lambda - 0.5).square();
            // 1/12 − x²/15 − 128 x⁴/945 (checked against the closed form in 50-digit arithmetic).
            var series = 1.0 / 12.0 - (1.0 / 15.0 + 128.0 / 945.0 * x2) * x2;
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
        // With t = logit λ the CDF is expm1(t·x) / expm1(t): accurate for every t but t = 0 (λ = ½), where it is x.
        var (t, zero) = SafeLogits();
        var x = value.to_type(p.Given.dtype).clamp(0, 1);
        var cdf = torch.special.expm1(t * x) / torch.special.expm1(t);
        return torch.where(zero, x.expand_as(cdf), cdf).MoveToOuterDisposeScope();
    }

    /// <summary>The quantile: the x with P(X ≤ x) = u, for u in [0, 1]; differentiable in λ.</summary>
    public torch.Tensor Icdf(torch.Tensor u)
    {
        ArgumentNullException.ThrowIfNull(u);
        using var scope = torch.NewDisposeScope();
        // The inverse of the form above: log1p(u·expm1(t)) / t, and u itself at t = 0.
        var (t, zero) = SafeLogits();
        var x = torch.log1p(u * torch.special.expm1(t)) / t;
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

    // λ, where it lies within the Taylor radius of ½, and λ moved just outside that radius there (so the closed forms,
    // evaluated everywhere by torch.where, never divide by zero or produce NaN gradients).
    private (torch.Tensor Lambda, torch.Tensor Near, torch.Tensor Cut) Cut()
    {
        var lambda = p.Probs;
        var near = (lambda - 0.5).abs().lt(TaylorRadius);
        var cut = torch.where(near, torch.full_like(lambda, 0.5 - TaylorRadius), lambda);
        return (lambda, near, cut);
    }
}
