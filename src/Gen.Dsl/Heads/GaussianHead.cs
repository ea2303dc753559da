using System;
using System.Globalization;
using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A Gaussian per element: the network gives the mean, and the scale unless it is fixed. A learned scale is
/// softplus(u) + <see cref="MinScale"/>, or, with <paramref name="UnitScaleAtZero"/>, softplus(u + c) + <see cref="MinScale"/>
/// with c such that u = 0 gives scale 1 (<see cref="StableLogScale"/>), so a network whose output layer starts at zero
/// starts at N(0, 1).
/// </summary>
/// <param name="FixedScale">The scale shared by every element, or null for a scale per element from the network.</param>
/// <param name="UnitScaleAtZero">Whether a learned scale is 1 where the network's output is 0.</param>
public sealed record GaussianHead(double? FixedScale, bool UnitScaleAtZero = false) : HeadSpec
{
    /// <summary>The smallest scale a learned scale can take.</summary>
    public const double MinScale = 1e-3;

    /// <inheritdoc/>
    public override int ParametersPerElement => FixedScale is null ? 2 : 1;

    /// <inheritdoc/>
    public override string SupportText => "finite real numbers";

    /// <inheritdoc/>
    public override void Check()
    {
        if (FixedScale is double scale && (!(scale > 0) || double.IsInfinity(scale)))
        {
            throw new ArgumentOutOfRangeException("scale", scale, "The Gaussian head's scale must be positive and finite.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => FixedScale is double s
        ? $"Gaussian(scale {s.ToString(CultureInfo.InvariantCulture)})"
        : UnitScaleAtZero ? "Gaussian(decoded scale, 1 at 0)" : "Gaussian(decoded scale)";

    /// <inheritdoc/>
    public override IDistribution Distribution(torch.Tensor parameters)
    {
        Checked(parameters);
        var mean = parameters.select(-1, 0);
        if (FixedScale is double s)
        {
            return new Normal(mean, torch.tensor(s, parameters.dtype, parameters.device));
        }

        var raw = parameters.select(-1, 1);
        var scale = UnitScaleAtZero ? StableLogScale.FromUnconstrained(raw).exp() : torch.nn.functional.softplus(raw) + MinScale;
        return new Normal(mean, scale);
    }

    /// <inheritdoc/>
    public override torch.Tensor Contains(torch.Tensor x) => x.isfinite();
}
