using System;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>Independent Bernoulli features from decoder logits, for binary data.</summary>
public sealed record BernoulliLikelihoodSpec : LikelihoodSpec
{
    /// <inheritdoc/>
    public override int ParametersPerFeature => 1;

    /// <inheritdoc/>
    public override string ToString() => "Bernoulli";

    internal override IDistribution Build(torch.Tensor decoded, int eventRank) => new Independent(new Bernoulli(logits: decoded), eventRank);

    internal override void CheckData(torch.Tensor x, string node)
    {
        if (!Distribution.Validate)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        if (!ModelInput.AllBinary(x).item<bool>())
        {
            var bad = x.masked_select(x.ne(0).logical_and(x.ne(1)))[0].to(torch.float64).item<double>();
            throw new ArgumentException(
                $"{node}: the Bernoulli likelihood needs binary data (every value 0 or 1), got {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)}; binarise the data first: Transforms.BinarizeStatic(x / 255, 0.5) for 0..255 pixels such as Mnist.Load's (or Transforms.BinarizeStatic(x) for values in [0, 1]), or use Likelihood.Gaussian().",
                "x");
        }
    }
}
