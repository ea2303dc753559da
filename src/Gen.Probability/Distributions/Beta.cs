using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The beta distribution on (0, 1) with concentrations α (for x) and β (for 1 − x). Samples are the first coordinate
/// of a two-category Dirichlet draw (normalised gammas in log space, stable for small concentrations), differentiable
/// through libtorch's implicit gamma gradient.
/// </summary>
public sealed class Beta : Distribution, IDistribution
{
    /// <summary>Creates Beta(<paramref name="concentration1"/>, <paramref name="concentration0"/>).</summary>
    public Beta(torch.Tensor concentration1, torch.Tensor concentration0)
        : base(DistMath.BroadcastShapes("Beta", concentration1, concentration0), Array.Empty<long>())
    {
        Concentration1 = concentration1;
        Concentration0 = concentration0;
        CheckParameter(concentration1, "concentration1", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
        CheckParameter(concentration0, "concentration0", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    /// <summary>α, the concentration of x.</summary>
    public torch.Tensor Concentration1 { get; }

    /// <summary>β, the concentration of 1 − x.</summary>
    public torch.Tensor Concentration0 { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean α/(α + β).</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Concentration1 / (Concentration1 + Concentration0)).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance αβ / ((α + β)² (α + β + 1)).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var s = Concentration1 + Concentration0;
            return (Concentration1 * Concentration0 / (s.square() * (s + 1))).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        var a = Concentration1;
        var b = Concentration0;
        var h = DistMath.LogBeta(a, b) - (a - 1) * a.digamma() - (b - 1) * b.digamma() + (a + b - 2) * (a + b).digamma();
        return h.expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var both = torch.stack(new[] { Concentration1.expand(shape), Concentration0.expand(shape) }, -1);
        var x = DistMath.SampleDirichlet(both, generator).select(-1, 0);
        // Keep draws inside the open interval: for small β the exact value can round to 1.
        return x.clamp(DistMath.Tiny(x.dtype), DistMath.BelowOne(x.dtype)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var a = Concentration1;
        var b = Concentration0;
        var inSupport = value.gt(0).logical_and(value.lt(1));
        var x = value.where(inSupport, torch.full_like(value, 0.5));
        var lp = torch.xlogy(a - 1, x) + torch.special.xlog1py(b - 1, x.neg()) - DistMath.LogBeta(a, b);
        return MaskSupport(lp, value, inSupport, "(0, 1)").MoveToOuterDisposeScope();
    }
}
