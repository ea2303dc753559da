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

    /// <summary>The cumulative distribution function ½ + atan(z)/π.</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        return (Standardize(value).atan() / Math.PI + 0.5).MoveToOuterDisposeScope();
    }

    /// <summary>The quantile function loc + scale · tan(π(p − ½)).</summary>
    public torch.Tensor Icdf(torch.Tensor probability)
    {
        ArgumentNullException.ThrowIfNull(probability);
        CheckParameter(probability, "probability", t => t.ge(0).logical_and(t.le(1)), "in [0, 1]");
        using var scope = torch.NewDisposeScope();
        return FromStandard((Math.PI * (probability - 0.5)).tan()).MoveToOuterDisposeScope();
    }
}
