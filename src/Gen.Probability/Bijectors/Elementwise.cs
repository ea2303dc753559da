using System;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Fixed elementwise bijections (event rank 0) with log-derivatives in stable forms. Each is written here
/// rather than taken from TorchSharp 0.107, whose Softplus and Tanh transforms are wrong.
/// </summary>
/// <remarks>
/// Maps with a restricted domain (<see cref="Log"/>, <see cref="Logit"/>, <see cref="Power"/>) do not check their
/// inputs: a value outside the domain gives NaN or ±∞, as the formula does. Inside the domain the values and
/// log-derivatives are finite wherever the image itself is representable (x^p and eˣ can overflow; their
/// log-derivatives do not).
/// </remarks>
public sealed class Elementwise : IBijector
{
    private readonly Func<torch.Tensor, Transformed> forward;
    private readonly Func<torch.Tensor, Transformed> inverse;

    private Elementwise(string name, Func<torch.Tensor, Transformed> forward, Func<torch.Tensor, Transformed> inverse, bool volumePreserving = false)
    {
        Name = name;
        this.forward = forward;
        this.inverse = inverse;
        IsVolumePreserving = volumePreserving;
    }

    /// <summary>y = x; log|dy/dx| = 0. Volume-preserving.</summary>
    public static Elementwise Identity { get; } = new("identity", x => new(x.alias(), torch.zeros_like(x)), y => new(y.alias(), torch.zeros_like(y)), volumePreserving: true);

    /// <summary>y = log x on x &gt; 0 (the inverse of <see cref="Exp"/>), onto ℝ; log|dy/dx| = −log x = −y.</summary>
    public static Elementwise Log { get; } = new("log", x => { var y = x.log(); return new(y, -y); }, y => new(y.exp(), y.clone()));

    /// <summary>y = exp(x); log|dy/dx| = x.</summary>
    public static Elementwise Exp { get; } = new("exp", x => new(x.exp(), x.clone()), y => { var x = y.log(); return new(x, -x); });

    /// <summary>y = σ(x) = 1/(1+e⁻ˣ), onto (0, 1); log|dy/dx| = log σ(x) + log σ(-x).</summary>
    public static Elementwise Sigmoid { get; } = new(
        "sigmoid",
        x => new(x.sigmoid(), logsigmoid(x) + logsigmoid(-x)),
        y =>
        {
            var x = y.log() - (-y).log1p();
            return new(x, -(logsigmoid(x) + logsigmoid(-x)));
        });

    /// <summary>y = tanh(x), onto (-1, 1); log|dy/dx| = 2(log 2 − x − softplus(−2x)).</summary>
    public static Elementwise Tanh { get; } = new(
        "tanh",
        x => new(x.tanh(), TanhLogDerivative(x)),
        y =>
        {
            var x = y.atanh();
            return new(x, -TanhLogDerivative(x));
        });

    /// <summary>y = softplus(x) = log(1 + eˣ), onto (0, ∞); log|dy/dx| = log σ(x).</summary>
    public static Elementwise Softplus { get; } = new(
        "softplus",
        x => new(softplus(x), logsigmoid(x)),
        y =>
        {
            var x = y + (-(-y).expm1()).log(); // log(e^y − 1), stable for small and large y
            return new(x, -logsigmoid(x));
        });

    /// <summary>
    /// The logit with the squashing used for dequantised images (RealNVP): y = logit(α + (1 − 2α) x) on [0, 1]
    /// (on (0, 1) when α = 0), onto ℝ, so pixels at exactly 0 or 1 stay finite. With u = α + (1 − 2α)x,
    /// log|dy/dx| = log(1 − 2α) − log u − log(1 − u).
    /// </summary>
    /// <remarks>
    /// 1 − u is computed as α + (1 − 2α)(1 − x), which keeps its relative precision for x near 1 (1 − x is exact
    /// there). The inverse is x = (σ(y) − α)/(1 − 2α), with log-derivative −log(1 − 2α) + log σ(y) + log σ(−y).
    /// The log-determinant does not include the 1/256 of a dequantised pixel's bin or any scaling to [0, 1]; add
    /// those as the fixed constants they are.
    /// </remarks>
    /// <param name="alpha">α in [0, ½): 0 is the plain logit; RealNVP uses 0.05 and Glow-style pipelines 10⁻⁶.</param>
    /// <exception cref="ArgumentOutOfRangeException">α is not in [0, ½).</exception>
    public static Elementwise Logit(double alpha = 0.0)
    {
        if (!(alpha >= 0 && alpha < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "logit: alpha must lie in [0, 0.5).");
        }

        double width = 1 - 2 * alpha;
        double logWidth = Math.Log(width);
        string name = alpha == 0 ? "logit" : FormattableString.Invariant($"logit(alpha={alpha:R})");
        return new(
            name,
            x =>
            {
                var u = alpha == 0 ? x : alpha + width * x;
                var v = alpha == 0 ? 1 - x : alpha + width * (1 - x);
                var logU = u.log();
                var logV = v.log();
                return new(logU - logV, logWidth - logU - logV);
            },
            y =>
            {
                var logU = logsigmoid(y);
                var logV = logsigmoid(-y);
                var x = alpha == 0 ? y.sigmoid() : (y.sigmoid() - alpha) / width;
                return new(x, logU + logV - logWidth);
            });
    }

    /// <summary>
    /// The leaky rectifier y = x for x ≥ 0 and y = a·x for x &lt; 0, onto ℝ; log|dy/dx| is 0 or log a.
    /// </summary>
    /// <param name="negativeSlope">a &gt; 0, the slope for negative inputs (a = 1 is the identity).</param>
    /// <exception cref="ArgumentOutOfRangeException">a is not positive and finite.</exception>
    public static Elementwise LeakyReLU(double negativeSlope)
    {
        if (!(negativeSlope > 0) || double.IsInfinity(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "leaky_relu: the negative slope must be positive and finite (0 would not be invertible).");
        }

        double logSlope = Math.Log(negativeSlope);
        return new(
            FormattableString.Invariant($"leaky_relu({negativeSlope:R})"),
            x =>
            {
                var negative = x.lt(0);
                return new(torch.where(negative, x * negativeSlope, x), torch.zeros_like(x).masked_fill(negative, logSlope));
            },
            y =>
            {
                var negative = y.lt(0);
                return new(torch.where(negative, y / negativeSlope, y), torch.zeros_like(y).masked_fill(negative, -logSlope));
            });
    }

    /// <summary>
    /// y = xᵖ on x &gt; 0, onto (0, ∞), for p ≠ 0 (decreasing for p &lt; 0); log|dy/dx| = log|p| + (p − 1) log x.
    /// </summary>
    /// <remarks>The log-derivative is computed from log x, so it stays finite where xᵖ itself overflows or underflows.</remarks>
    /// <param name="exponent">p, finite and not zero.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is zero, infinite or NaN.</exception>
    public static Elementwise Power(double exponent)
    {
        if (exponent == 0 || !double.IsFinite(exponent))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "power: the exponent must be finite and not zero.");
        }

        double logAbs = Math.Log(Math.Abs(exponent));
        double reciprocal = 1 / exponent;
        return new(
            FormattableString.Invariant($"power({exponent:R})"),
            x => new(x.pow(exponent), logAbs + (exponent - 1) * x.log()),
            y => new(y.pow(reciprocal), (reciprocal - 1) * y.log() - logAbs));
    }

    /// <summary>A short name such as <c>sigmoid</c>.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public int EventRank => 0;

    /// <inheritdoc/>
    public bool IsVolumePreserving { get; }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => forward(x);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => inverse(y);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static torch.Tensor TanhLogDerivative(torch.Tensor x) => 2.0 * (Math.Log(2.0) - x - softplus(-2.0 * x));
}
