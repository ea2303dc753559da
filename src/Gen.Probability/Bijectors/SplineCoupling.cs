using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The rational-quadratic spline coupling layer of neural spline flows (Durkan et al., 2019): with a binary mask m
/// (1 = passed through and conditioned on), y = m⊙x + (1−m)⊙g(x), where g applies to each transformed entry its own
/// monotonic spline, whose parameters a conditioner computes from m⊙x. Identity tails outside [−B, B].
/// </summary>
public sealed class SplineCoupling : IBijector
{
    private readonly torch.Tensor mask;
    private readonly Func<torch.Tensor, SplineParameters> conditioner;

    /// <summary>Creates the layer.</summary>
    /// <param name="mask">0/1 tensor of the event shape; 1 marks the entries passed through unchanged.</param>
    /// <param name="conditioner">From the kept entries (m⊙x, event-shaped) to spline parameters with one trailing dimension
    /// more than the input (K bins: widths and heights [..., K], derivatives [..., K − 1]).</param>
    /// <param name="bound">B: the splines act on [−B, B].</param>
    public SplineCoupling(torch.Tensor mask, Func<torch.Tensor, SplineParameters> conditioner, double bound = 3.0)
    {
        this.mask = mask ?? throw new ArgumentNullException(nameof(mask));
        this.conditioner = conditioner ?? throw new ArgumentNullException(nameof(conditioner));
        if (!(bound > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "spline_coupling: the bound must be positive.");
        }

        Bound = bound;
    }

    /// <summary>B: the interval [−B, B] the splines act on.</summary>
    public double Bound { get; }

    /// <inheritdoc/>
    public int EventRank => (int)mask.dim();

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    private Transformed Apply(torch.Tensor input, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(input);
        Shape.CheckTrailing(input, mask.shape, "spline_coupling");
        using var scope = torch.NewDisposeScope();
        var kept = input * mask;
        var p = conditioner(kept);
        var spline = new RationalQuadraticSpline(p.Widths, p.Heights, p.Derivatives, Bound);
        if (!spline.ElementShape.AsSpan().SequenceEqual(input.shape))
        {
            throw new GenShapeException(
                "spline_coupling.conditioner",
                $"must return spline parameters for every entry of the input {Shape.Format(input.shape)}, got them for {Shape.Format(spline.ElementShape)}.");
        }

        var t = inverse ? spline.InverseAndLogDet(input) : spline.ForwardAndLogDet(input);
        var free = 1.0 - mask;
        var output = kept + free * t.Value;
        var logDet = Reduce.SumRightmost(free * t.LogDet, EventRank);
        return new Transformed(output.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }
}
