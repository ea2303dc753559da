using System;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Pixels with integer values <c>0 … Levels − 1</c>: a softmax over <see cref="Levels"/> logits per channel and pixel;
/// the network sees <c>2x / (Levels − 1) − 1</c>.
/// </summary>
public sealed record CategoricalPixelHead : PixelHead
{
    internal CategoricalPixelHead(int levels)
    {
        if (levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "pixel_head.levels: a categorical pixel needs at least two values.");
        }

        Levels = levels;
    }

    /// <summary>Number of pixel values.</summary>
    public int Levels { get; }

    /// <inheritdoc/>
    public override int ParametersPerChannel => Levels;

    internal override string SupportText => PixelLevels.SupportText(Levels);

    /// <inheritdoc/>
    public override string ToString() => $"Categorical({Levels})";

    internal override torch.Tensor Scale(torch.Tensor x) => PixelLevels.Scale(x, Levels);

    internal override torch.Tensor InSupport(torch.Tensor x) => PixelLevels.InSupport(x, Levels);

    // log-softmax over the K logits (dimension 2) and pick each pixel's value; no transpose of the logits needed.
    internal override torch.Tensor LogProb(torch.Tensor parameters, torch.Tensor x) =>
        parameters.log_softmax(2).gather(2, x.to_type(torch.int64).unsqueeze(2)).squeeze(2);

    internal override torch.Tensor Sample(torch.Tensor parameters, torch.ScalarType dtype, torch.Generator? generator) =>
        new Categorical(logits: parameters).Sample(Array.Empty<long>(), generator).to_type(dtype);
}
