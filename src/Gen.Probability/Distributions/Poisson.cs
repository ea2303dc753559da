using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The Poisson distribution on {0, 1, 2, …} with mean <see cref="Rate"/>. Discrete, so not reparameterised.</summary>
public sealed class Poisson : Distribution, IDistribution
{
    /// <summary>Creates Poisson(<paramref name="rate"/>).</summary>
    public Poisson(torch.Tensor rate)
        : base(DistMath.BroadcastShapes("Poisson", rate), Array.Empty<long>())
    {
        Rate = rate;
        CheckParameter(rate, "rate", t => t.ge(0).logical_and(t.isfinite()), "non-negative and finite");
    }

    /// <summary>The rate λ (mean and variance).</summary>
    public torch.Tensor Rate { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <summary>The mean λ.</summary>
    public torch.Tensor Mean => Rate;

    /// <summary>The variance λ.</summary>
    public torch.Tensor Variance => Rate;

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var inSupport = value.ge(0).logical_and(DistMath.IsInteger(value));
        var k = value.to_type(Rate.dtype).clamp_min(0);
        var lp = torch.xlogy(k, Rate) - Rate - (k + 1).lgamma();
        return MaskSupport(lp, value, inSupport, "{0, 1, 2, …}").MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        return DeviceRandom.Poisson(Rate.expand(ExtendedShape(sampleShape)), generator).MoveToOuterDisposeScope();
    }
}
