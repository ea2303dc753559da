using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// Preprocessing for image likelihood models: binarisation for Bernoulli models, uniform dequantisation and the
/// logit transform for continuous models (flows). Each works on any shape, on the input's device and dtype.
/// </summary>
public static class Transforms
{
    /// <summary>Static binarisation: 1 where a value exceeds <paramref name="threshold"/>, else 0, in the input's dtype.</summary>
    /// <param name="values">Intensities, usually scaled to [0, 1].</param>
    /// <param name="threshold">The threshold; 0.5 for intensities in [0, 1].</param>
    public static torch.Tensor BinarizeStatic(torch.Tensor values, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var above = values.gt(threshold);
        return above.to_type(values.dtype);
    }

    /// <summary>
    /// Dynamic binarisation: each value is replaced by a Bernoulli draw with that probability, so every epoch sees a
    /// fresh binary image (the protocol of, for example, the IWAE paper).
    /// </summary>
    /// <param name="probabilities">Intensities in [0, 1] (for MNIST, the pixels divided by 255).</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>), usable for data on any device (draws are made on the CPU and moved).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value lies outside [0, 1].</exception>
    public static torch.Tensor BinarizeDynamic(torch.Tensor probabilities, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(generator);
        RequireRange(probabilities, 0, 1, nameof(probabilities), " Scale intensities to [0, 1] first (for MNIST, divide by 255).");
        return DeviceRandom.Bernoulli(probabilities, generator);
    }

    /// <summary>
    /// Uniform dequantisation: (x + u) / <paramref name="levels"/> with u ~ U[0, 1), which turns integer values
    /// 0..levels-1 into continuous values in [0, 1). A continuous density p on [0, 1)^D then gives the discrete
    /// data the log-likelihood lower bound log p((x + u)/levels) − D log(levels) (Theis, van den Oord and Bethge, 2016).
    /// </summary>
    /// <param name="values">Integer values 0..levels-1 in a floating-point tensor (for MNIST, the raw pixels).</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>), usable for data on any device (draws are made on the CPU and moved).</param>
    /// <param name="levels">The number of discrete levels: 256 for 8-bit images.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value lies outside 0..levels-1 or is not a whole number, or levels is below 2.</exception>
    public static torch.Tensor Dequantize(torch.Tensor values, torch.Generator generator, int levels = 256)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "Dequantisation needs at least 2 levels.");
        }

        ArgumentNullException.ThrowIfNull(generator);
        RequireRange(values, 0, levels - 1, nameof(values), $" Pass the raw integer values 0..{levels - 1}, not values scaled to [0, 1].");
        using var scope = torch.NewDisposeScope();
        if (values.numel() > 0 && values.ne(values.floor()).any().item<bool>())
        {
            // Intensities already divided by 255 lie in the range too; only their fractions give them away.
            var fraction = values.masked_select(values.ne(values.floor()))[0].ToDouble();
            throw new ArgumentOutOfRangeException(nameof(values), $"values must be whole numbers 0..{levels - 1}, but one is {fraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}. Pass the raw integer values, not values scaled to [0, 1].");
        }

        var u = DeviceRandom.Uniform(values.shape, values.dtype, values.device, generator);
        // (x + u)/levels rounds up to exactly 1 in float32 for x = levels − 1 and u within 2⁻¹⁷ of 1: kept below 1, as
        // documented, so that a logit after it stays finite.
        var below = values.dtype == torch.ScalarType.Float64 ? 1 - Math.Pow(2, -53) : 1 - Math.Pow(2, -24);
        return values.add(u).div_(levels).clamp_max_(below).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The logit transform of RealNVP (Dinh, Sohl-Dickstein and Bengio, 2017): y = logit(α + (1 − 2α) x), which maps
    /// [0, 1] onto a bounded part of the real line and keeps 0 and 1 finite. Returns y and
    /// log |det ∂y/∂x| = Σ [log(1 − 2α) − log s − log(1 − s)] with s = α + (1 − 2α) x, per example.
    /// </summary>
    /// <param name="x">Values in [0, 1], for example dequantised images; the first dimension is the batch.</param>
    /// <param name="alpha">α in [0, 0.5): 0.05 as in RealNVP's image experiments; MAF used 1e-6 for MNIST.</param>
    /// <exception cref="ArgumentOutOfRangeException">α lies outside [0, 0.5), or a value outside [0, 1].</exception>
    public static TransformedData Logit(torch.Tensor x, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireAlpha(alpha);
        RequireBatch(x, nameof(x));
        RequireRange(x, 0, 1, nameof(x), " Dequantise and scale to [0, 1] first.");
        using var scope = torch.NewDisposeScope();
        var s = x.mul(1 - (2 * alpha)).add_(alpha);
        var logS = s.log();
        // 1 − s as α + (1 − 2α)(1 − x), not 1 − s: near x = 1 the subtraction would cancel (in float32 with α = 1e-6 the
        // log-density of pixels near 1 was off by hundredths of a nat each).
        var log1mS = x.neg().add_(1).mul_(1 - (2 * alpha)).add_(alpha).log_();
        var y = logS.sub(log1mS);
        var logDet = PerExample(logS.add(log1mS).neg_().add_(Math.Log(1 - (2 * alpha))));
        return new TransformedData(y.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The inverse of <see cref="Logit"/>: x = (sigmoid(y) − α) / (1 − 2α), with log |det ∂x/∂y| per example (the
    /// negative of the forward log-determinant at x), computed stably with softplus.
    /// </summary>
    /// <param name="y">Values on the real line; the first dimension is the batch.</param>
    /// <param name="alpha">The α of the forward transform.</param>
    /// <exception cref="ArgumentOutOfRangeException">α lies outside [0, 0.5).</exception>
    public static TransformedData LogitInverse(torch.Tensor y, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(y);
        RequireAlpha(alpha);
        RequireBatch(y, nameof(y));
        using var scope = torch.NewDisposeScope();
        var x = torch.sigmoid(y).sub_(alpha).div_(1 - (2 * alpha));
        // log s = -softplus(-y), log(1 - s) = -softplus(y): no overflow for large |y|.
        var logDet = PerExample(torch.nn.functional.softplus(y).add_(torch.nn.functional.softplus(y.neg())).neg_().sub_(Math.Log(1 - (2 * alpha))));
        return new TransformedData(x.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    private static torch.Tensor PerExample(torch.Tensor elementwise) =>
        elementwise.dim() == 1 ? elementwise : elementwise.flatten(1).sum(dim: 1);

    private static void RequireAlpha(double alpha)
    {
        if (!(alpha >= 0 && alpha < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in [0, 0.5).");
        }
    }

    private static void RequireBatch(torch.Tensor t, string name)
    {
        if (t.dim() == 0)
        {
            throw new GenShapeException(name, "a scalar has no batch dimension; pass a tensor of shape [n, ...].");
        }
    }

    private static void RequireRange(torch.Tensor t, double low, double high, string name, string advice)
    {
        if (t.numel() == 0)
        {
            return;
        }

        using var minimum = t.min();
        using var maximum = t.max();
        var min = minimum.ToDouble();
        var max = maximum.ToDouble();
        if (min < low || max > high || double.IsNaN(min) || double.IsNaN(max))
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must lie in [{low}, {high}], but its values span [{min}, {max}].{advice}");
        }
    }
}
