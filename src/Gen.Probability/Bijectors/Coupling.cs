using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// A coupling layer (NICE, RealNVP, neural spline flows) over any elementwise map: with a binary mask m (1 = passed
/// through and conditioned on), y = m⊙x + (1−m)⊙g(x), where g is the elementwise bijector the conditioner builds from
/// m⊙x (for example <c>map.Bind(network(m⊙x))</c> with a <see cref="UnivariateMap"/>). Both directions cost one
/// conditioner pass, and log|det J| is the sum of g's log-derivatives over the transformed entries.
/// </summary>
public sealed class Coupling : IBijector
{
    private readonly torch.Tensor mask;
    private readonly long[] eventShape;
    private readonly Func<torch.Tensor, IBijector> conditioner;
    private readonly string node;
    private readonly object gate = new();
    private torch.Tensor? free;

    /// <summary>Creates the layer.</summary>
    /// <param name="mask">Binary mask with the event shape (1 = kept, 0 = transformed). Its rank is the event rank.</param>
    /// <param name="conditioner">
    /// From the kept entries m⊙x (the input's shape) to an elementwise bijector (event rank 0) acting on values of the
    /// input's shape; only its values at the transformed entries are used.
    /// </param>
    /// <param name="node">The layer's name in error messages.</param>
    public Coupling(torch.Tensor mask, Func<torch.Tensor, IBijector> conditioner, string node = "coupling")
    {
        this.mask = mask ?? throw new ArgumentNullException(nameof(mask));
        eventShape = mask.shape;
        this.conditioner = conditioner ?? throw new ArgumentNullException(nameof(conditioner));
        this.node = node ?? throw new ArgumentNullException(nameof(node));
    }

    /// <summary>
    /// The layer whose transformed entries pass through <paramref name="map"/> with parameters from
    /// <paramref name="parameters"/>, a function of the kept entries giving the input's shape ++ [P].
    /// </summary>
    /// <param name="mask">Binary mask with the event shape (1 = kept, 0 = transformed).</param>
    /// <param name="map">The elementwise map.</param>
    /// <param name="parameters">From m⊙x to the map's unconstrained parameters, shape of the input ++ [<see cref="UnivariateMap.ParameterCount"/>].</param>
    public static Coupling Of(torch.Tensor mask, UnivariateMap map, Func<torch.Tensor, torch.Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(parameters);
        return new Coupling(mask, kept => map.Bind(parameters(kept)));
    }

    /// <inheritdoc/>
    public int EventRank => eventShape.Length;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    private Transformed Apply(torch.Tensor input, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(input);
        Shape.CheckTrailing(input, eventShape, node);
        using var scope = torch.NewDisposeScope();
        var kept = input * mask;
        var g = conditioner(kept);
        var t = inverse ? g.InverseAndLogDet(input) : g.ForwardAndLogDet(input);
        if (g.EventRank != 0 || !Shape.Same(t.Value, input) || !Shape.Same(t.LogDet, input))
        {
            throw new GenShapeException($"{node}.conditioner",
                $"must build an elementwise bijector (event rank 0) for the input's shape {Shape.Format(input.shape)}; it has event rank {g.EventRank} and gave values {Shape.Format(t.Value.shape)} with log-determinants {Shape.Format(t.LogDet.shape)}.");
        }

        var output = torch.addcmul(kept, Free, t.Value, 1);
        return new Transformed(output.MoveToOuterDisposeScope(), FreeSum(t.LogDet).MoveToOuterDisposeScope());
    }

    // 1 − m, made once per layer: the conditioner's cost aside, a coupling is then a handful of fused kernels.
    private torch.Tensor Free
    {
        get
        {
            lock (gate)
            {
                if (free is null)
                {
                    using var noGrad = torch.no_grad();
                    free = 1.0 - mask;
                    free.DetachFromDisposeScope();
                }

                return free;
            }
        }
    }

    // Σ over the transformed entries of the elementwise log-determinants (which already carry the direction's sign):
    // for vector events one matrix-vector product instead of a product and a sum.
    private torch.Tensor FreeSum(torch.Tensor logDet) =>
        eventShape.Length == 1 ? logDet.matmul(Free) : Reduce.SumRightmost(logDet * Free, EventRank);
}
