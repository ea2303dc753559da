using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>Binary values (0 or 1): one logit per element; a pixel model's network sees <c>2x − 1</c>.</summary>
public sealed record BernoulliHead : HeadSpec
{
    /// <inheritdoc/>
    public override int ParametersPerElement => 1;

    /// <inheritdoc/>
    public override string SupportText => "{0, 1} (binary data)";

    /// <inheritdoc/>
    protected override string? DataHint =>
        "Binarise the data first: Transforms.BinarizeStatic(x / 255, 0.5) for 0..255 pixels such as Mnist.Load's (or Transforms.BinarizeStatic(x) for values in [0, 1]), or use a Gaussian head (Likelihood.Gaussian()).";

    /// <inheritdoc/>
    public override string ToString() => "Bernoulli";

    /// <inheritdoc/>
    public override IDistribution Distribution(torch.Tensor parameters) => new Bernoulli(logits: Checked(parameters).squeeze(-1));

    /// <inheritdoc/>
    public override torch.Tensor Contains(torch.Tensor x) => x.eq(0).logical_or(x.eq(1));

    /// <inheritdoc/>
    public override torch.Tensor NetworkInput(torch.Tensor x) => (x * 2) - 1;
}
