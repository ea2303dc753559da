using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>Binary pixels: one logit per channel and pixel; the network sees <c>2x − 1</c>.</summary>
public sealed record BernoulliPixelHead : PixelHead
{
    internal BernoulliPixelHead()
    {
    }

    /// <inheritdoc/>
    public override int ParametersPerChannel => 1;

    internal override string SupportText => "{0, 1}";

    /// <inheritdoc/>
    public override string ToString() => "Bernoulli";

    internal override torch.Tensor Scale(torch.Tensor x) => (x * 2) - 1;

    internal override torch.Tensor InSupport(torch.Tensor x) => ModelInput.AllBinary(x);

    // One fused kernel: log p = −BCE(logit, x) = x·l − softplus(l), stable for any logit.
    internal override torch.Tensor LogProb(torch.Tensor parameters, torch.Tensor x) =>
        -torch.nn.functional.binary_cross_entropy_with_logits(parameters.squeeze(2), x, reduction: torch.nn.Reduction.None);

    internal override torch.Tensor Sample(torch.Tensor parameters, torch.ScalarType dtype, torch.Generator? generator) =>
        new Bernoulli(logits: parameters.squeeze(-1)).Sample(System.Array.Empty<long>(), generator).to_type(dtype);
}
