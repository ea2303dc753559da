using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The monotonic rational-quadratic spline of neural spline flows (Durkan et al., 2019), elementwise, with identity
/// (linear) tails outside [−B, B].
/// </summary>
/// <remarks>
/// <para>Each element has its own spline with <c>K</c> bins, given by unconstrained parameters with one trailing
/// dimension more than the input: bin widths and heights (<c>K</c> values each, made positive and summing to 2B by a
/// softmax, then kept above a minimum share) and derivatives at the <c>K − 1</c> interior knots (made positive by
/// a shifted softplus, kept above a minimum). All-zero parameters give the identity. The derivatives at ±B are 1, so the spline joins its identity tails with a
/// continuous first derivative.</para>
/// <para>In bin k, with ξ = (x − x_k)/w_k and s_k = h_k/w_k,
/// y = y_k + h_k (s_k ξ² + d_k ξ(1−ξ)) / (s_k + (d_{k+1} + d_k − 2 s_k) ξ(1−ξ)); the inverse solves the same equation
/// for ξ, a quadratic, with the root form that does not cancel. Log-determinants are per element (event rank 0).</para>
/// </remarks>
public sealed class RationalQuadraticSpline : IBijector
{
    /// <summary>Smallest share of 2B a bin's width or height can take.</summary>
    public const double MinBinShare = 1e-3;

    /// <summary>
    /// The most bins a spline may have: every bin keeps at least <see cref="MinBinShare"/> of the interval, so K bins
    /// leave 1 − K·MinBinShare to share out, which must stay positive (at 1/MinBinShare bins every bin would be frozen,
    /// and beyond it widths could be negative and the spline not monotonic).
    /// </summary>
    public const int MaxBins = 999;

    /// <summary>Smallest derivative at an interior knot.</summary>
    public const double MinDerivative = 1e-3;

    // softplus(u + c) + MinDerivative = 1 at u = 0: all-zero parameters (equal bins, unit slopes) give the identity,
    // so a conditioner whose last layer starts at zero starts the flow as the identity.
    private static readonly double IdentityOffset = Math.Log(Math.Exp(1 - MinDerivative) - 1);

    private readonly torch.Tensor widths;
    private readonly torch.Tensor heights;
    private readonly torch.Tensor derivatives;

    /// <summary>Creates the splines from unconstrained parameters.</summary>
    /// <param name="unnormalisedWidths">[..., K]: one row of bin widths per element (softmax-normalised).</param>
    /// <param name="unnormalisedHeights">[..., K]: bin heights, as the widths.</param>
    /// <param name="unconstrainedDerivatives">[..., K − 1]: derivatives at the interior knots (through a softplus shifted so that 0 gives slope 1).</param>
    /// <param name="bound">B: the splines act on [−B, B]; identity outside.</param>
    /// <exception cref="GenShapeException">The parameter shapes do not agree.</exception>
    /// <exception cref="ArgumentOutOfRangeException">B is not positive, or there are fewer than 2 bins.</exception>
    public RationalQuadraticSpline(torch.Tensor unnormalisedWidths, torch.Tensor unnormalisedHeights, torch.Tensor unconstrainedDerivatives, double bound = 3.0)
    {
        ArgumentNullException.ThrowIfNull(unnormalisedWidths);
        ArgumentNullException.ThrowIfNull(unnormalisedHeights);
        ArgumentNullException.ThrowIfNull(unconstrainedDerivatives);
        if (!(bound > 0) || double.IsInfinity(bound))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "rq_spline: the bound B must be positive and finite.");
        }

        long bins = unnormalisedWidths.shape[^1];
        if (bins < 2 || bins > MaxBins)
        {
            throw new ArgumentOutOfRangeException(nameof(unnormalisedWidths), bins, $"rq_spline: a spline needs 2 to {MaxBins} bins (each bin keeps at least {MinBinShare} of the interval).");
        }

        var elementShape = unnormalisedWidths.shape[..^1];
        if (!unnormalisedHeights.shape.AsSpan().SequenceEqual(unnormalisedWidths.shape)
            || !unconstrainedDerivatives.shape.AsSpan(0, unconstrainedDerivatives.shape.Length - 1).SequenceEqual(elementShape)
            || unconstrainedDerivatives.shape[^1] != bins - 1)
        {
            throw new GenShapeException(
                "rq_spline",
                $"widths and heights must be [..., K] and derivatives [..., K - 1] over the same elements; got {Shape.Format(unnormalisedWidths.shape)}, {Shape.Format(unnormalisedHeights.shape)} and {Shape.Format(unconstrainedDerivatives.shape)}.");
        }

        Bound = bound;
        Bins = bins;
        widths = unnormalisedWidths;
        heights = unnormalisedHeights;
        derivatives = unconstrainedDerivatives;
    }

    /// <summary>B: the interval [−B, B] the splines act on.</summary>
    public double Bound { get; }

    /// <summary>K: bins per spline.</summary>
    public long Bins { get; }

    /// <summary>The shape of the elements the parameters describe (an input must have this shape, or broadcast to it).</summary>
    public long[] ElementShape => widths.shape[..^1];

    /// <inheritdoc/>
    public int EventRank => 0;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    private Transformed Apply(torch.Tensor input, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.shape.AsSpan().SequenceEqual(ElementShape))
        {
            throw new GenShapeException("rq_spline", $"the parameters describe elements of shape {Shape.Format(ElementShape)}, got an input of shape {Shape.Format(input.shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        double b = Bound;
        var inside = input.ge(-b).logical_and(input.le(b));
        // Evaluate the spline on a clamped copy everywhere, then keep the identity where the input is outside.
        var z = input.clamp(-b, b);
        var knots = Knots();
        var bin = Locate(inverse ? knots.Y : knots.X, z);
        var xk = knots.X.gather(-1, bin).squeeze(-1);
        var wk = knots.W.gather(-1, bin).squeeze(-1);
        var yk = knots.Y.gather(-1, bin).squeeze(-1);
        var hk = knots.H.gather(-1, bin).squeeze(-1);
        var dk = knots.D.gather(-1, bin).squeeze(-1);
        var dk1 = knots.D.gather(-1, bin + 1).squeeze(-1);
        var sk = hk / wk;
        var curvature = dk1 + dk - 2 * sk;

        torch.Tensor xi;
        torch.Tensor output;
        if (inverse)
        {
            var dy = z - yk;
            var a = hk * (sk - dk) + dy * curvature;
            var bq = hk * dk - dy * curvature;
            var c = -sk * dy;
            var discriminant = (bq.square() - 4 * a * c).clamp_min(0);
            xi = (2 * c / (-bq - discriminant.sqrt())).clamp(0, 1);
            output = xi * wk + xk;
        }
        else
        {
            xi = ((z - xk) / wk).clamp(0, 1);
            var mix = xi * (1 - xi);
            output = yk + hk * (sk * xi.square() + dk * mix) / (sk + curvature * mix);
        }

        var m = xi * (1 - xi);
        var numerator = sk.square() * (dk1 * xi.square() + 2 * sk * m + dk * (1 - xi).square());
        var denominator = (sk + curvature * m).square();
        var logDerivative = numerator.log() - denominator.log(); // log dy/dx at the point
        var value = torch.where(inside, output, input);
        var logDet = torch.where(inside, inverse ? -logDerivative : logDerivative, torch.zeros_like(logDerivative));
        return new Transformed(value.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    // Knot positions (K + 1 per element), bin sizes (K) and knot derivatives (K + 1, ones at both ends).
    private (torch.Tensor X, torch.Tensor W, torch.Tensor Y, torch.Tensor H, torch.Tensor D) Knots()
    {
        var (x, w) = Cumulative(widths);
        var (y, h) = Cumulative(heights);
        var interior = torch.nn.functional.softplus(derivatives + IdentityOffset) + MinDerivative;
        var ones = torch.ones_like(interior.narrow(-1, 0, 1));
        var d = torch.cat(new[] { ones, interior, ones }, -1);
        return (x, w, y, h, d);
    }

    private (torch.Tensor Knots, torch.Tensor Sizes) Cumulative(torch.Tensor unnormalised)
    {
        double span = 2 * Bound;
        var share = MinBinShare + (1 - MinBinShare * Bins) * torch.nn.functional.softmax(unnormalised, -1);
        var sizes = share * span;
        var zero = torch.zeros_like(sizes.narrow(-1, 0, 1));
        var knots = torch.cat(new[] { zero, sizes.cumsum(-1) }, -1) - Bound;
        // Pin the last knot to +B exactly, so rounding in the cumulative sum cannot leave a gap at the edge.
        knots = torch.cat(new[] { knots.narrow(-1, 0, Bins), torch.full_like(zero, Bound) }, -1);
        return (knots, knots.narrow(-1, 1, Bins) - knots.narrow(-1, 0, Bins));
    }

    // The bin of each value: the number of interior knots at or below it (0 .. K − 1), as [..., 1] for gather.
    private torch.Tensor Locate(torch.Tensor knots, torch.Tensor value)
    {
        var interior = knots.narrow(-1, 1, Bins - 1);
        return value.unsqueeze(-1).ge(interior).sum(-1, keepdim: true, type: torch.int64);
    }
}
