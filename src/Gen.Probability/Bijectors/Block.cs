using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Reinterprets rightmost batch dimensions of an inner bijector as event dimensions: the map is the inner one, and
/// its log-determinant is summed over <see cref="ExtraEventDims"/> more dimensions. An elementwise map wrapped with
/// one extra dimension is a bijector of vectors whose log-det has one value per vector (as <c>Block</c> in Distrax
/// and <c>Independent</c> in TensorFlow Probability).
/// </summary>
public sealed class Block : IBijector
{
    /// <summary>Wraps <paramref name="inner"/>, adding <paramref name="extraEventDims"/> to its event rank.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="extraEventDims"/> is negative.</exception>
    public Block(IBijector inner, int extraEventDims)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (extraEventDims < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(extraEventDims), extraEventDims, "block: the number of extra event dimensions must be non-negative.");
        }

        ExtraEventDims = extraEventDims;
    }

    /// <summary>The wrapped bijector.</summary>
    public IBijector Inner { get; }

    /// <summary>How many dimensions are added to the inner event rank.</summary>
    public int ExtraEventDims { get; }

    /// <inheritdoc/>
    public int EventRank => Inner.EventRank + ExtraEventDims;

    /// <inheritdoc/>
    public int OutputEventRank => Inner.OutputEventRank + ExtraEventDims;

    /// <inheritdoc/>
    public bool IsVolumePreserving => Inner.IsVolumePreserving;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        Check(x, EventRank);
        using var scope = torch.NewDisposeScope();
        return Sum(Inner.ForwardAndLogDet(x));
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        Check(y, OutputEventRank);
        using var scope = torch.NewDisposeScope();
        return Sum(Inner.InverseAndLogDet(y));
    }

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape) => Inner.ForwardShape(inputShape);

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape) => Inner.InverseShape(outputShape);

    /// <inheritdoc/>
    public override string ToString() => $"Block({Inner}, +{ExtraEventDims})";

    private Transformed Sum(Transformed t) =>
        new(t.Value.MoveToOuterDisposeScope(), Reduce.SumRightmost(t.LogDet, ExtraEventDims).MoveToOuterDisposeScope());

    private static void Check(torch.Tensor value, int rank)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.dim() < rank)
        {
            throw new GenShapeException("block", $"acts on events of rank {rank}, got a tensor of shape {Shape.Format(value.shape)}.");
        }
    }
}
