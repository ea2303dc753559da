using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The Cauchy distribution (Student's t with one degree of freedom), reparameterised. It has no mean or variance.</summary>
public sealed class Cauchy : LocationScaleDistribution, IDistribution
{
    /// <summary>Creates Cauchy(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Cauchy(torch.Tensor loc, torch.Tensor scale)
        : base("Cauchy", loc, scale)
    {
    }

    /// <summary>The entropy log(4π scale).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (Scale.log() + Math.Log(4 * Math.PI)).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var u = DistMath.UniformOpen(ExtendedShape(sampleShape), Loc, generator);
        return FromStandard((Math.PI * (u - 0.5)).tan()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var z = Standardize(value);
        return (-DistMath.LogPi - Scale.log() - z.square().log1p()).MoveToOuterDisposeScope();
    }

    /// <summary>The cumulative distribution function ½ + atan(z)/π, computed as atan2(1, −z)/π (no cancellation in the lower tail).</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var z = Standardize(value);
        return (torch.atan2(torch.ones_like(z), z.neg()) / Math.PI).MoveToOuterDisposeScope();
    }

    /// <summary>The quantile function loc + scale · tan(π(p − ½)).</summary>
    public torch.Tensor Icdf(torch.Tensor probability)
    {
        ArgumentNullException.ThrowIfNull(probability);
        CheckParameter(probability, "probability", t => t.ge(0).logical_and(t.le(1)), "in [0, 1]");
        using var scope = torch.NewDisposeScope();
        // tan(π(p − ½)) loses the digits of p near 0 and 1, where π(p − ½) rounds next to ±π/2; there it equals
        // −1/tan(πp) and 1/tan(π(1 − p)), whose arguments are exact.
        var p = probability;
        var z = torch.where(p.lt(0.25), (Math.PI * p).tan().reciprocal().neg(), torch.where(p.gt(0.75), (Math.PI * (1 - p)).tan().reciprocal(), (Math.PI * (p - 0.5)).tan()));
        return FromStandard(z).MoveToOuterDisposeScope();
    }
}
