using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The normal (Gaussian) distribution N(loc, scale²), elementwise (event rank 0), reparameterised.</summary>
public sealed class Normal : LocationScaleDistribution, IDistribution
{
    /// <summary>Creates N(<paramref name="loc"/>, <paramref name="scale"/>²); the batch shape is the broadcast of both shapes.</summary>
    /// <exception cref="ArgumentException">With validation on: a scale that is not positive, or a loc that is not finite.</exception>
    public Normal(torch.Tensor loc, torch.Tensor scale)
        : base("Normal", loc, scale)
    {
    }

    /// <summary>The mean, of the batch shape.</summary>
    public torch.Tensor Mean => Loc.expand(BatchShape);

    /// <summary>The variance, of the batch shape.</summary>
    public torch.Tensor Variance => Scale.square().expand(BatchShape);

    /// <summary>The entropy ½ log(2πe σ²), of the batch shape.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (Scale.log() + 0.5 * (1 + DistMath.Log2Pi)).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var eps = DistMath.Normal(ExtendedShape(sampleShape), Loc, generator);
        return FromStandard(eps).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var z = Standardize(value);
        return (-0.5 * z.square() - Scale.log() - 0.5 * DistMath.Log2Pi).MoveToOuterDisposeScope();
    }

    /// <summary>The cumulative distribution function P(X ≤ value).</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        // ½ erfc(−z/√2) keeps its relative precision in the lower tail, where libtorch's ndtr, ½(1 + erf(z/√2)), cancels.
        return (0.5 * torch.special.erfc(Standardize(value) * -Math.Sqrt(0.5))).MoveToOuterDisposeScope();
    }

    /// <summary>The quantile function (inverse of <see cref="Cdf"/>); probabilities must lie in [0, 1].</summary>
    public torch.Tensor Icdf(torch.Tensor probability)
    {
        ArgumentNullException.ThrowIfNull(probability);
        CheckParameter(probability, "probability", t => t.ge(0).logical_and(t.le(1)), "in [0, 1]");
        using var scope = torch.NewDisposeScope();
        return FromStandard(torch.special.ndtri(probability)).MoveToOuterDisposeScope();
    }
}
