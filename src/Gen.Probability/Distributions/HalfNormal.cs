using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The half-normal distribution: |Y| for Y ~ N(0, scale²), on [0, ∞), reparameterised.</summary>
public sealed class HalfNormal : Distribution, IDistribution
{
    /// <summary>Creates HalfNormal(<paramref name="scale"/>).</summary>
    public HalfNormal(torch.Tensor scale)
        : base(DistMath.BroadcastShapes("HalfNormal", scale), Array.Empty<long>())
    {
        Scale = scale;
        CheckParameter(scale, "scale", t => t.gt(0), "positive");
    }

    /// <summary>The scale σ of the underlying normal.</summary>
    public torch.Tensor Scale { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean σ √(2/π).</summary>
    public torch.Tensor Mean => Scale * Math.Sqrt(2 / Math.PI);

    /// <summary>The variance σ² (1 − 2/π).</summary>
    public torch.Tensor Variance => Scale.square() * (1 - 2 / Math.PI);

    /// <summary>The entropy ½ log(πσ²/2) + ½.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (Scale.log() + 0.5 * Math.Log(Math.PI / 2) + 0.5).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var eps = DistMath.Normal(ExtendedShape(sampleShape), Scale, generator);
        return (Scale * eps).abs().MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var z = value / Scale;
        var lp = 0.5 * Math.Log(2 / Math.PI) - Scale.log() - 0.5 * z.square();
        return MaskSupport(lp, value, value.ge(0), "[0, ∞)").MoveToOuterDisposeScope();
    }
}
