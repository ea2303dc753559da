using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The Laplace (double exponential) distribution with density exp(−|x − loc| / scale) / (2 scale), reparameterised.</summary>
public sealed class Laplace : LocationScaleDistribution, IDistribution
{
    /// <summary>Creates Laplace(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Laplace(torch.Tensor loc, torch.Tensor scale)
        : base("Laplace", loc, scale)
    {
    }

    /// <summary>The mean.</summary>
    public torch.Tensor Mean => Loc.expand(BatchShape);

    /// <summary>The variance 2b².</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (2 * Scale.square()).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy 1 + log(2b).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (1 + (2 * Scale).log()).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        // Inverse CDF with u uniform on (−1, 1): loc − b·sign(u)·log(1 − |u|). 2U − 1 rounds to exactly −1 for the
        // smallest draws of U (one float32 draw in 2²⁴), where log(1 − |u|) = −∞: u is kept above −1 as it is below 1.
        var u = (2 * DistMath.UniformOpen(ExtendedShape(sampleShape), Loc, generator) - 1).clamp_min(-DistMath.BelowOne(Loc.dtype));
        return (Loc - Scale * u.sign() * u.abs().neg().log1p()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        return (-(value - Loc).abs() / Scale - (2 * Scale).log()).MoveToOuterDisposeScope();
    }

    /// <summary>The cumulative distribution function.</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        // ½ e^(d/b) below the location and 1 − ½ e^(−d/b) above: no cancellation in the lower tail.
        var d = (value - Loc) / Scale;
        var half = 0.5 * d.abs().neg().exp();
        return torch.where(d.lt(0), half, 1 - half).MoveToOuterDisposeScope();
    }
}
