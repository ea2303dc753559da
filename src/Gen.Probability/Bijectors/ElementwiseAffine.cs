using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// y = x · exp(logScale) + shift, elementwise with broadcasting. With <c>eventRank</c> 1 and per-feature
/// parameters this is an ActNorm-style layer; log|det J| is logScale summed over the event dimensions.
/// </summary>
public sealed class ElementwiseAffine : IBijector
{
    private readonly torch.Tensor shift;
    private readonly torch.Tensor logScale;

    /// <summary>Creates the map from a shift and a log-scale (any shapes that broadcast against the input's events).</summary>
    /// <param name="shift">The shift.</param>
    /// <param name="logScale">The log of the scale (a scale of exactly zero would not be invertible).</param>
    /// <param name="eventRank">Rank of one event: 0 for elementwise log-determinants, 1 to sum over features, ...</param>
    public ElementwiseAffine(torch.Tensor shift, torch.Tensor logScale, int eventRank = 0)
    {
        this.shift = shift ?? throw new ArgumentNullException(nameof(shift));
        this.logScale = logScale ?? throw new ArgumentNullException(nameof(logScale));
        if (eventRank < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(eventRank), eventRank, "The event rank must be non-negative.");
        }

        EventRank = eventRank;
    }

    /// <inheritdoc/>
    public int EventRank { get; }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var y = torch.addcmul(shift, x, logScale.exp(), 1); // x·exp(s) + t in one kernel
        var ld = Reduce.SumRightmost(logScale.expand(x.shape), EventRank);
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        var x = (y - shift) * (-logScale).exp();
        var ld = Reduce.SumRightmost((-logScale).expand(y.shape), EventRank);
        return new Transformed(x.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }
}
