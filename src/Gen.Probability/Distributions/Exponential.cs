using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The exponential distribution with density rate · exp(−rate · x) on [0, ∞), reparameterised.</summary>
public sealed class Exponential : Distribution, IDistribution
{
    /// <summary>Creates Exponential(<paramref name="rate"/>).</summary>
    public Exponential(torch.Tensor rate)
        : base(DistMath.BroadcastShapes("Exponential", rate), Array.Empty<long>())
    {
        Rate = rate;
        CheckParameter(rate, "rate", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    /// <summary>The rate λ.</summary>
    public torch.Tensor Rate { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean 1/λ.</summary>
    public torch.Tensor Mean => Rate.reciprocal();

    /// <summary>The variance 1/λ².</summary>
    public torch.Tensor Variance => Rate.square().reciprocal();

    /// <summary>The entropy 1 − log λ.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (1 - Rate.log()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var u = DistMath.UniformOpen(ExtendedShape(sampleShape), Rate, generator);
        return (-u.log() / Rate).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var lp = Rate.log() - Rate * value;
        return MaskSupport(lp, value, value.ge(0), "[0, ∞)").MoveToOuterDisposeScope();
    }

    /// <summary>The cumulative distribution function 1 − exp(−λx) (0 below the support).</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        return (-(Rate * value.clamp_min(0))).expm1().neg().MoveToOuterDisposeScope();
    }
}
