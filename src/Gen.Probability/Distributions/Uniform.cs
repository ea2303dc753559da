using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The continuous uniform distribution on [low, high], elementwise, reparameterised.</summary>
public sealed class Uniform : Distribution, IDistribution
{
    /// <summary>Creates U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <exception cref="ArgumentException">With validation on: some low is not below its high.</exception>
    public Uniform(torch.Tensor low, torch.Tensor high)
        : base(DistMath.BroadcastShapes("Uniform", low, high), Array.Empty<long>())
    {
        Low = low;
        High = high;
        CheckParameter(low, "low", t => t.isfinite(), "finite");
        CheckParameter(high, "high", t => t.isfinite(), "finite");
        using var scope = torch.NewDisposeScope();
        CheckParameter(high - low, "high - low", t => t.gt(0), "positive");
    }

    /// <summary>The lower bound.</summary>
    public torch.Tensor Low { get; }

    /// <summary>The upper bound.</summary>
    public torch.Tensor High { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean (low + high) / 2.</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return ((Low + High) / 2).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance (high − low)² / 12.</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return ((High - Low).square() / 12).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy log(high − low).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return (High - Low).log().expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var u = DeviceRandom.Uniform(ExtendedShape(sampleShape), Low.dtype, Low.device, generator);
        return (Low + (High - Low) * u).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var inSupport = value.ge(Low).logical_and(value.le(High));
        var lp = (High - Low).log().neg().expand(BatchShape) + torch.zeros_like(value);
        return MaskSupport(lp, value, inSupport, "[low, high]").MoveToOuterDisposeScope();
    }

    /// <summary>The cumulative distribution function, clamped to [0, 1].</summary>
    public torch.Tensor Cdf(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        return ((value - Low) / (High - Low)).clamp(0, 1).MoveToOuterDisposeScope();
    }
}
