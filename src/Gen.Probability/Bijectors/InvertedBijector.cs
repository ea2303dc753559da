using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>The inverse of a bijector: its forward is the inner inverse and vice versa.</summary>
public sealed class InvertedBijector : IBijector
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public InvertedBijector(IBijector inner) => Inner = inner ?? throw new System.ArgumentNullException(nameof(inner));

    /// <summary>The bijector being inverted.</summary>
    public IBijector Inner { get; }

    /// <inheritdoc/>
    public bool IsVolumePreserving => Inner.IsVolumePreserving;

    /// <inheritdoc/>
    public int EventRank => Inner.OutputEventRank;

    /// <inheritdoc/>
    public int OutputEventRank => Inner.EventRank;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Inner.InverseAndLogDet(x);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Inner.ForwardAndLogDet(y);

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape) => Inner.InverseShape(inputShape);

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape) => Inner.ForwardShape(outputShape);
}
