using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Reshapes each event from one shape to another with the same number of elements (row-major order, as
/// <c>reshape</c>), for example [C, H, W] to [C·H·W] before a vector flow. Volume-preserving: log|det J| = 0.
/// The event rank may change: <see cref="EventRank"/> is the input's, <see cref="OutputEventRank"/> the output's.
/// </summary>
public sealed class Reshape : IBijector
{
    private readonly long[] input;
    private readonly long[] output;

    /// <summary>Creates the map from events of shape <paramref name="inputEventShape"/> to <paramref name="outputEventShape"/>.</summary>
    /// <exception cref="GenShapeException">The shapes hold different numbers of elements, or a size is not positive.</exception>
    public Reshape(long[] inputEventShape, long[] outputEventShape)
    {
        ArgumentNullException.ThrowIfNull(inputEventShape);
        ArgumentNullException.ThrowIfNull(outputEventShape);
        if (inputEventShape.Concat(outputEventShape).Any(d => d <= 0)
            || Shape.Numel(inputEventShape) != Shape.Numel(outputEventShape))
        {
            throw new GenShapeException("reshape", $"cannot reshape events of shape {Shape.Format(inputEventShape)} to {Shape.Format(outputEventShape)}: sizes must be positive and the element counts equal.");
        }

        input = (long[])inputEventShape.Clone();
        output = (long[])outputEventShape.Clone();
    }

    /// <summary>The event shape at the input.</summary>
    public long[] InputEventShape => (long[])input.Clone();

    /// <summary>The event shape at the output.</summary>
    public long[] OutputEventShape => (long[])output.Clone();

    /// <inheritdoc/>
    public int EventRank => input.Length;

    /// <inheritdoc/>
    public int OutputEventRank => output.Length;

    /// <inheritdoc/>
    public bool IsVolumePreserving => true;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, input, output);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, output, input);

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape) => Swap(inputShape, input, output);

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape) => Swap(outputShape, output, input);

    /// <inheritdoc/>
    public override string ToString() => $"Reshape({Shape.Format(input)} -> {Shape.Format(output)})";

    private static Transformed Apply(torch.Tensor value, long[] from, long[] to)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lead = Swap(value.shape, from, Array.Empty<long>());
        return new Transformed(value.reshape(lead.Concat(to).ToArray()), torch.zeros(lead, dtype: value.dtype, device: value.device));
    }

    private static long[] Swap(long[] shape, long[] from, long[] to)
    {
        if (shape.Length < from.Length || !shape.AsSpan(shape.Length - from.Length).SequenceEqual(from))
        {
            throw new GenShapeException("reshape", $"expects values whose last dimensions are {Shape.Format(from)}, got a tensor of shape {Shape.Format(shape)}.");
        }

        return shape.Take(shape.Length - from.Length).Concat(to).ToArray();
    }
}
