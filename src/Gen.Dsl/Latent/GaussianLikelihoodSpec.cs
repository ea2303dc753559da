using System;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>An independent Gaussian per feature: the decoder gives the mean, and the scale unless it is fixed.</summary>
/// <param name="FixedScale">The scale shared by every feature, or null for a scale per feature from the decoder.</param>
public sealed record GaussianLikelihoodSpec(double? FixedScale) : LikelihoodSpec
{
    /// <summary>The smallest scale a decoded scale can take.</summary>
    public const double MinScale = 1e-3;

    /// <inheritdoc/>
    public override int ParametersPerFeature => FixedScale is null ? 2 : 1;

    /// <inheritdoc/>
    internal override void Check()
    {
        if (FixedScale is double scale && (!(scale > 0) || double.IsInfinity(scale)))
        {
            throw new ArgumentOutOfRangeException("scale", scale, "The Gaussian likelihood's scale must be positive and finite.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => FixedScale is double s
        ? $"Gaussian(scale {s.ToString(System.Globalization.CultureInfo.InvariantCulture)})"
        : "Gaussian(decoded scale)";

    internal override IDistribution Build(torch.Tensor decoded, int eventRank)
    {
        if (FixedScale is double s)
        {
            return new Independent(new Normal(decoded, torch.tensor(s, decoded.dtype, decoded.device)), eventRank);
        }

        var parts = decoded.chunk(2, -eventRank);
        return new Independent(new Normal(parts[0], torch.nn.functional.softplus(parts[1]) + MinScale), eventRank);
    }

    internal override void CheckData(torch.Tensor x, string node)
    {
        if (!Distribution.Validate)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (!x.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"{node}: the Gaussian likelihood needs finite data, got a NaN or infinite value.", "x");
        }
    }
}
