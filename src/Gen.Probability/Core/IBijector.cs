using TorchSharp;

namespace Gen.Probability;

/// <summary>
/// An invertible, differentiable map. Its single primitive is the pair (value, log|det J|) in each direction.
/// </summary>
/// <remarks>
/// Implementations need not hold parameters: parameters live in TorchSharp modules that build bijectors
/// from them on each forward pass. Implementations may change shape (squeeze, factor-out); <see cref="EventRank"/>
/// is the rank of one event at the input.
/// </remarks>
public interface IBijector
{
    /// <summary>Rank of one event at the input: 0 for elementwise maps, 1 for vectors, 3 for images (C, H, W).</summary>
    int EventRank { get; }

    /// <summary>
    /// Rank of one event at the output: <see cref="EventRank"/> unless the map reshapes events to another rank
    /// (<see cref="Bijectors.Reshape"/>). Chains use it to keep track of which dimensions are events.
    /// </summary>
    int OutputEventRank => EventRank;

    /// <summary>y = f(x) and log|det ∂f/∂x| (summed over the event dimensions).</summary>
    Transformed ForwardAndLogDet(torch.Tensor x);

    /// <summary>x = f⁻¹(y) and log|det ∂f⁻¹/∂y|.</summary>
    /// <exception cref="System.NotSupportedException">The map has neither a closed-form nor a numerical inverse (planar flows have a numerical one, see <see cref="Bijectors.Planar"/>).</exception>
    Transformed InverseAndLogDet(torch.Tensor y);

    /// <summary>
    /// Whether log|det J| is zero everywhere (permutations, for example). A chain skips adding such log-determinants;
    /// the bijector must still return a zero log-determinant of the right shape.
    /// </summary>
    bool IsVolumePreserving => false;

    /// <summary>The shape of f(x) for an input of the given full shape (unchanged unless the map reshapes).</summary>
    long[] ForwardShape(long[] inputShape) => inputShape;

    /// <summary>The shape of f⁻¹(y) for an output of the given full shape.</summary>
    long[] InverseShape(long[] outputShape) => outputShape;
}
