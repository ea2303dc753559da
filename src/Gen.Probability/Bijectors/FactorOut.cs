using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The factor-out of multi-scale flows (RealNVP, Glow): an image event [C, H, W] is split along the channels; the
/// first C/2 channels go on through the rest of the flow, <see cref="Rest"/>, and the other C/2 are set aside as they
/// are. The output is one vector: the set-aside channels, flattened, followed by the rest's output. So a multi-scale
/// flow is one bijector from images to vectors of the same size, and a standard normal over that vector scores every
/// factored-out part under the standard normal base. log|det J| is the rest's (setting aside is volume-preserving).
/// </summary>
/// <remarks>Nest one factor-out inside the rest of another to build several scales; the innermost rest ends in a
/// <see cref="Reshape"/> to a vector.</remarks>
public sealed class FactorOut : IBijector
{
    private readonly long[] eventShape;
    private readonly long keptChannels;
    private readonly long setAside;

    /// <summary>Creates the factor-out.</summary>
    /// <param name="eventShape">The input event shape [C, H, W], with C even.</param>
    /// <param name="rest">The map of the kept channels [C/2, H, W] to vectors (event rank 3 in, 1 out).</param>
    /// <exception cref="GenShapeException">The event shape is not [C, H, W] with C even and positive sizes.</exception>
    /// <exception cref="ArgumentException">The rest does not map image events to vectors.</exception>
    public FactorOut(long[] eventShape, IBijector rest)
    {
        ArgumentNullException.ThrowIfNull(eventShape);
        Rest = rest ?? throw new ArgumentNullException(nameof(rest));
        if (eventShape.Length != 3 || eventShape.Any(d => d <= 0) || eventShape[0] % 2 != 0)
        {
            throw new GenShapeException("factor_out", $"splits image events [C, H, W] with an even channel count C, got {Shape.Format(eventShape)}.");
        }

        if (rest.EventRank != 3 || rest.OutputEventRank != 1)
        {
            throw new ArgumentException($"factor_out: the rest must map image events (rank 3) to vectors (rank 1), got ranks {rest.EventRank} -> {rest.OutputEventRank}.", nameof(rest));
        }

        this.eventShape = (long[])eventShape.Clone();
        keptChannels = eventShape[0] / 2;
        setAside = (eventShape[0] - keptChannels) * eventShape[1] * eventShape[2];
    }

    /// <summary>The map applied to the kept channels.</summary>
    public IBijector Rest { get; }

    /// <summary>The input event shape [C, H, W].</summary>
    public long[] EventShape => (long[])eventShape.Clone();

    /// <summary>C/2·H·W: the numbers set aside at this scale (the first entries of the output vector).</summary>
    public long SetAside => setAside;

    /// <inheritdoc/>
    public int EventRank => 3;

    /// <inheritdoc/>
    public int OutputEventRank => 1;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var lead = ForwardShape(x.shape)[..^1];
        using var scope = torch.NewDisposeScope();
        var kept = x.narrow(-3, 0, keptChannels);
        var aside = x.narrow(-3, keptChannels, eventShape[0] - keptChannels).reshape(lead.Append(setAside).ToArray());
        var rest = Rest.ForwardAndLogDet(kept);
        var y = torch.cat(new[] { aside, rest.Value }, -1);
        return new Transformed(y.MoveToOuterDisposeScope(), rest.LogDet.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var lead = InverseShape(y.shape)[..^3];
        using var scope = torch.NewDisposeScope();
        var aside = y.narrow(-1, 0, setAside).reshape(lead.Concat(new[] { eventShape[0] - keptChannels, eventShape[1], eventShape[2] }).ToArray());
        var rest = Rest.InverseAndLogDet(y.narrow(-1, setAside, y.shape[^1] - setAside));
        var x = torch.cat(new[] { rest.Value, aside }, -3);
        return new Transformed(x.MoveToOuterDisposeScope(), rest.LogDet.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length < 3 || !inputShape.AsSpan(inputShape.Length - 3).SequenceEqual(eventShape))
        {
            throw new GenShapeException("factor_out", $"expects image events {Shape.Format(eventShape)}, got a tensor of shape {Shape.Format(inputShape)}.");
        }

        return inputShape[..^3].Append(Shape.Numel(eventShape)).ToArray();
    }

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape)
    {
        ArgumentNullException.ThrowIfNull(outputShape);
        long size = Shape.Numel(eventShape);
        if (outputShape.Length < 1 || outputShape[^1] != size)
        {
            throw new GenShapeException("factor_out", $"the inverse expects vectors of {size} numbers (images {Shape.Format(eventShape)}), got a tensor of shape {Shape.Format(outputShape)}.");
        }

        return outputShape[..^1].Concat(eventShape).ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => $"FactorOut({Shape.Format(eventShape)}: {setAside} aside, then {Rest})";
}
