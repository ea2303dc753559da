using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// Student's t distribution with <see cref="Df"/> degrees of freedom, location and scale. Samples are
/// loc + scale · Z / √(V/ν) with V ~ χ²(ν) = 2·Gamma(ν/2), reparameterised in loc and scale, and in ν through
/// libtorch's implicit gamma gradient.
/// </summary>
public sealed class StudentT : LocationScaleDistribution, IDistribution
{
    /// <summary>Creates StudentT(<paramref name="df"/>, <paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public StudentT(torch.Tensor df, torch.Tensor loc, torch.Tensor scale)
        : base("StudentT", loc, scale, df)
    {
        Df = df;
        CheckParameter(df, "df", t => t.gt(0).logical_and(t.isfinite()), "positive and finite (for df = ∞ use the normal distribution)");
    }

    /// <summary>The degrees of freedom ν.</summary>
    public torch.Tensor Df { get; }

    /// <summary>The mean: loc where ν &gt; 1, NaN elsewhere (undefined).</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var loc = Loc.expand(BatchShape);
            return loc.masked_fill(Df.expand(BatchShape).le(1), double.NaN).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance: σ²ν/(ν − 2) where ν &gt; 2, +∞ where 1 &lt; ν ≤ 2, NaN where ν ≤ 1.</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var df = Df.expand(BatchShape);
            var v = (Scale.square() * df / (df - 2)).expand(BatchShape);
            v = v.masked_fill(df.le(2), double.PositiveInfinity).masked_fill(df.le(1), double.NaN);
            return v.MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        var half = Df / 2;
        var halfUp = (Df + 1) / 2;
        var lbeta = half.lgamma() + 0.5 * DistMath.LogPi - halfUp.lgamma();
        var h = halfUp * (halfUp.digamma() - half.digamma()) + 0.5 * Df.log() + lbeta + Scale.log();
        return h.expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var z = DistMath.Normal(shape, Loc, generator);
        var df = Df.expand(shape);
        var chi2 = 2 * DistMath.StandardGamma(df / 2, generator);
        return FromStandard(z * (df / chi2).sqrt()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var z = Standardize(value);
        var norm = ((Df + 1) / 2).lgamma() - (Df / 2).lgamma() - 0.5 * (Df.log() + DistMath.LogPi) - Scale.log();
        return (norm - (Df + 1) / 2 * (z.square() / Df).log1p()).MoveToOuterDisposeScope();
    }
}
