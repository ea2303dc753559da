using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The log-normal distribution: exp(Y) for Y ~ N(loc, scale²). Written directly (not as a transformed distribution),
/// so unlike TorchSharp 0.107's LogNormal its samples are differentiable.
/// </summary>
public sealed class LogNormal : LocationScaleDistribution, IDistribution
{
    /// <summary>Creates LogNormal(<paramref name="loc"/>, <paramref name="scale"/>), the parameters of the underlying normal.</summary>
    public LogNormal(torch.Tensor loc, torch.Tensor scale)
        : base("LogNormal", loc, scale)
    {
    }

    /// <summary>The mean exp(μ + σ²/2).</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Loc + Scale.square() / 2).exp().expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance (exp(σ²) − 1) exp(2μ + σ²).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var s2 = Scale.square();
            return (s2.expm1() * (2 * Loc + s2).exp()).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy μ + ½ log(2πe σ²).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (Loc + Scale.log() + 0.5 * (1 + DistMath.Log2Pi)).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var eps = DistMath.Normal(ExtendedShape(sampleShape), Loc, generator);
        return FromStandard(eps).exp().MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var inSupport = value.gt(0);
        var logX = value.where(inSupport, torch.ones_like(value)).log();
        var z = Standardize(logX);
        var lp = -0.5 * z.square() - Scale.log() - 0.5 * DistMath.Log2Pi - logX;
        return MaskSupport(lp, value, inSupport, "(0, ∞)").MoveToOuterDisposeScope();
    }
}
