using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// Base class for families built from a standard member by x = loc + scale · z (Normal, Laplace, Logistic, Cauchy,
/// Student's t, and LogNormal on the log scale). Holds and validates the two parameters (loc finite, scale positive);
/// the batch shape is the broadcast of all parameters.
/// </summary>
public abstract class LocationScaleDistribution : Distribution
{
    /// <summary>Creates the family member; <paramref name="others"/> are further parameters that take part in broadcasting.</summary>
    /// <exception cref="ArgumentException">With validation on: a scale that is not positive, or a loc that is not finite.</exception>
    protected LocationScaleDistribution(string family, torch.Tensor loc, torch.Tensor scale, params torch.Tensor[] others)
        : base(DistMath.BroadcastShapes(family, [loc, scale, .. others]), Array.Empty<long>())
    {
        Loc = loc;
        Scale = scale;
        CheckParameter(loc, "loc", t => t.isfinite(), "finite");
        CheckParameter(scale, "scale", t => t.gt(0), "positive");
    }

    /// <summary>The location.</summary>
    public torch.Tensor Loc { get; }

    /// <summary>The scale.</summary>
    public torch.Tensor Scale { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>(value − loc) / scale.</summary>
    protected torch.Tensor Standardize(torch.Tensor value) => (value - Loc) / Scale;

    /// <summary>loc + scale · z.</summary>
    protected torch.Tensor FromStandard(torch.Tensor z) => Loc + Scale * z;

    /// <summary>A term of the batch shape (for entropies and moments built from broadcasting parameters).</summary>
    protected torch.Tensor OverBatch(torch.Tensor t) => t.expand(BatchShape);
}
