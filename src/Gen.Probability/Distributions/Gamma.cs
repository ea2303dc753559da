using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The gamma distribution with shape (concentration) α and rate β, density β^α x^(α−1) e^(−βx) / Γ(α). Samples come
/// from libtorch's _standard_gamma, whose gradient with respect to α is the implicit reparameterisation gradient,
/// so <see cref="RSample"/> is differentiable in both parameters (TorchSharp 0.107's Gamma.rsample detaches).
/// </summary>
public sealed class Gamma : Distribution, IDistribution
{
    /// <summary>Creates Gamma(<paramref name="concentration"/>, <paramref name="rate"/>).</summary>
    public Gamma(torch.Tensor concentration, torch.Tensor rate)
        : base(DistMath.BroadcastShapes("Gamma", concentration, rate), Array.Empty<long>())
    {
        Concentration = concentration;
        Rate = rate;
        CheckParameter(concentration, "concentration", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
        CheckParameter(rate, "rate", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    /// <summary>The shape α.</summary>
    public torch.Tensor Concentration { get; }

    /// <summary>The rate β.</summary>
    public torch.Tensor Rate { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean α/β.</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Concentration / Rate).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance α/β².</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Concentration / Rate.square()).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy α − log β + log Γ(α) + (1 − α) ψ(α).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        var a = Concentration;
        return (a - Rate.log() + a.lgamma() + (1 - a) * a.digamma()).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var g = DistMath.StandardGamma(Concentration.expand(ExtendedShape(sampleShape)), generator);
        return (g / Rate).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var a = Concentration;
        var inSupport = value.gt(0).logical_and(value.lt(double.PositiveInfinity)); // (0, ∞): at +∞ the formula is ∞ − ∞
        var x = value.where(inSupport, torch.ones_like(value));
        var lp = torch.xlogy(a, Rate) + torch.xlogy(a - 1, x) - Rate * x - a.lgamma();
        return MaskSupport(lp, value, inSupport, "(0, ∞)").MoveToOuterDisposeScope();
    }
}
