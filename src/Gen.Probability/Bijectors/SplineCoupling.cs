using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The rational-quadratic spline coupling layer of neural spline flows (Durkan et al., 2019): with a binary mask m
/// (1 = passed through and conditioned on), y = m⊙x + (1−m)⊙g(x), where g applies to each transformed entry its own
/// monotonic spline, whose parameters a conditioner computes from m⊙x. Identity tails outside [−B, B]. It is a
/// <see cref="Coupling"/> whose elementwise map is a <see cref="RationalQuadraticSpline"/>.
/// </summary>
public sealed class SplineCoupling : IBijector
{
    private const string Node = "spline_coupling";
    private readonly Coupling coupling;

    /// <summary>Creates the layer.</summary>
    /// <param name="mask">0/1 tensor of the event shape; 1 marks the entries passed through unchanged.</param>
    /// <param name="conditioner">From the kept entries (m⊙x, event-shaped) to spline parameters with one trailing dimension
    /// more than the input (K bins: widths and heights [..., K], derivatives [..., K − 1]).</param>
    /// <param name="bound">B: the splines act on [−B, B].</param>
    public SplineCoupling(torch.Tensor mask, Func<torch.Tensor, SplineParameters> conditioner, double bound = 3.0)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(conditioner);
        if (!(bound > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "spline_coupling: the bound must be positive.");
        }

        Bound = bound;
        coupling = new Coupling(mask, kept => Spline(conditioner(kept), kept), Node);
    }

    /// <summary>B: the interval [−B, B] the splines act on.</summary>
    public double Bound { get; }

    /// <inheritdoc/>
    public int EventRank => coupling.EventRank;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => coupling.ForwardAndLogDet(x);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => coupling.InverseAndLogDet(y);

    private RationalQuadraticSpline Spline(SplineParameters p, torch.Tensor input)
    {
        var spline = new RationalQuadraticSpline(p.Widths, p.Heights, p.Derivatives, Bound);
        if (!spline.ElementShape.AsSpan().SequenceEqual(input.shape))
        {
            throw new GenShapeException(
                $"{Node}.conditioner",
                $"must return spline parameters for every entry of the input {Shape.Format(input.shape)}, got them for {Shape.Format(spline.ElementShape)}.");
        }

        return spline;
    }
}
