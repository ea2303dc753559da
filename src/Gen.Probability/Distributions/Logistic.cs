using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The logistic distribution (the difference of two Gumbels), with CDF σ((x − loc) / scale), reparameterised.</summary>
public sealed class Logistic : LocationScaleDistribution, IDistribution
{
    /// <summary>Creates Logistic(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Logistic(torch.Tensor loc, torch.Tensor scale)
        : base("Logistic", loc, scale)
    {
    }

    /// <summary>The mean.</summary>
    public torch.Tensor Mean => Loc.expand(BatchShape);

    /// <summary>The variance s²π²/3.</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Scale.square() * (Math.PI * Math.PI / 3)).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy log s + 2.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (Scale.log() + 2).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var u = DistMath.UniformOpen(ExtendedShape(sampleShape), Loc, generator);
        return FromStandard(u.log() - u.neg().log1p()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        // log σ(z) + log σ(−z) − log s, written with softplus so large |z| stays finite.
        var z = Standardize(value);
        return (-z - 2 * DistMath.Softplus(z.neg()) - Scale.log()).MoveToOuterDisposeScope();
    }

    /// <summary>The cumulative distribution function σ((x − loc) / s).</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        return Standardize(value).sigmoid().MoveToOuterDisposeScope();
    }
}
