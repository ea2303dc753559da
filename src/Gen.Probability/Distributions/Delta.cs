using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// A point mass at <see cref="Value"/>, with the last <see cref="EventRank"/> dimensions as the event. Its log-density
/// is 0 at the point and −∞ elsewhere. Samples are the point itself, so gradients flow to it (reparameterised).
/// </summary>
public sealed class Delta : Distribution, IDistribution
{
    /// <summary>Creates a point mass at <paramref name="value"/> whose last <paramref name="eventRank"/> dimensions form the event.</summary>
    public Delta(torch.Tensor value, int eventRank = 0)
        : base(Split(value, eventRank, true), Split(value, eventRank, false))
    {
        Value = value;
        EventRank = eventRank;
    }

    /// <summary>The point.</summary>
    public torch.Tensor Value { get; }

    /// <summary>The rank of one event.</summary>
    public int EventRank { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean: the point.</summary>
    public torch.Tensor Mean => Value;

    /// <summary>The variance: zero.</summary>
    public torch.Tensor Variance => torch.zeros_like(Value);

    /// <summary>The entropy: zero.</summary>
    public torch.Tensor Entropy() => torch.zeros(BatchShape, dtype: Value.dtype, device: Value.device);

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => Value.expand(ExtendedShape(sampleShape));

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        var equal = SumRightmost(value.ne(Value).to_type(torch.int32), EventRank).eq(0);
        var lp = torch.zeros(equal.shape, dtype: Value.dtype, device: Value.device);
        var pad = Enumerable.Repeat(1L, EventRank).ToArray();
        var mask = equal.reshape(equal.shape.Concat(pad).ToArray());
        var padded = lp.reshape(lp.shape.Concat(pad).ToArray());
        return MaskSupport(padded, value, mask, "the single point of the Delta").reshape(lp.shape).MoveToOuterDisposeScope();
    }

    private static long[] Split(torch.Tensor value, int eventRank, bool batch)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (eventRank < 0 || eventRank > value.dim())
        {
            throw new GenShapeException("Delta", $"event rank {eventRank} does not fit a point of shape {Shape.Format(value.shape)}.");
        }

        int cut = (int)value.dim() - eventRank;
        return batch ? value.shape.Take(cut).ToArray() : value.shape.Skip(cut).ToArray();
    }
}
