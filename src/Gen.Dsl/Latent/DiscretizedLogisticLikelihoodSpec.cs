using System;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An independent discretised logistic per feature (PixelCNN++'s pixel likelihood) over the integer levels
/// 0 … <see cref="Levels"/> − 1: the decoder gives a location on the levels' [−1, 1] scale and a log-scale per feature.
/// For 8-bit images (256 levels) fed as integer values.
/// </summary>
/// <param name="Levels">The number of levels, at least 2 (256 for 8-bit pixels).</param>
public sealed record DiscretizedLogisticLikelihoodSpec(int Levels) : LikelihoodSpec
{
    /// <inheritdoc/>
    public override int ParametersPerFeature => 2;

    /// <inheritdoc/>
    internal override void Check()
    {
        if (Levels < 2)
        {
            throw new ArgumentOutOfRangeException("levels", Levels, "The discretised logistic likelihood needs at least 2 levels.");
        }
    }

    /// <summary>The spec after <see cref="Check"/>.</summary>
    internal static DiscretizedLogisticLikelihoodSpec Checked(DiscretizedLogisticLikelihoodSpec spec)
    {
        spec.Check();
        return spec;
    }

    /// <inheritdoc/>
    public override string ToString() => $"DiscretizedLogistic({Levels} levels)";

    internal override IDistribution Build(torch.Tensor decoded, int eventRank)
    {
        var parts = decoded.chunk(2, -eventRank);
        return new Independent(new DiscretizedLogistic(parts[0], parts[1], Levels), eventRank);
    }

    internal override void CheckData(torch.Tensor x, string node)
    {
        if (!Distribution.Validate)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ok = x.ge(0).logical_and(x.le(Levels - 1)).logical_and(x.eq(x.round()));
        if (!ok.all().item<bool>())
        {
            var bad = x.masked_select(ok.logical_not())[0].to(torch.float64).item<double>();
            throw new ArgumentException(
                $"{node}: the discretised logistic likelihood needs integer levels 0 … {Levels - 1} (as floats), got {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}.",
                "x");
        }
    }
}
