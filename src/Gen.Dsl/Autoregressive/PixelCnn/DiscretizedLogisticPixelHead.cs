using System;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Pixels with integer values <c>0 … Levels − 1</c>, each channel a mixture of <see cref="Components"/> discretised
/// logistics on [−1, 1] (Salimans et al. 2017, per channel). Parameters per channel, in order: <c>Components</c> mixture
/// logits, <c>Components</c> means, <c>Components</c> log-scales. The network sees <c>2x / (Levels − 1) − 1</c>.
/// </summary>
public sealed record DiscretizedLogisticPixelHead : PixelHead
{
    internal DiscretizedLogisticPixelHead(int components, int levels)
    {
        if (components < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(components), components, "pixel_head.components: a mixture needs at least one component.");
        }

        if (levels < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "pixel_head.levels: a discretised pixel needs at least two values.");
        }

        Components = components;
        Levels = levels;
    }

    /// <summary>Mixture components per channel.</summary>
    public int Components { get; }

    /// <summary>Number of pixel values.</summary>
    public int Levels { get; }

    /// <inheritdoc/>
    public override int ParametersPerChannel => 3 * Components;

    internal override string SupportText => PixelLevels.SupportText(Levels);

    /// <inheritdoc/>
    public override string ToString() => $"DiscretizedLogisticMixture({Components}, {Levels})";

    internal override torch.Tensor Scale(torch.Tensor x) => PixelLevels.Scale(x, Levels);

    internal override torch.Tensor InSupport(torch.Tensor x) => PixelLevels.InSupport(x, Levels);

    internal override torch.Tensor LogProb(torch.Tensor parameters, torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var parts = parameters.chunk(3, 2); // [batch, C, M, H, W] each
        var (weights, mean, logScale) = (parts[0], parts[1], parts[2]);
        // The images were checked once by the model, so the unchecked kernel of the distribution serves here.
        var perComponent = DiscretizedLogistic.LogMass(mean, logScale, x.unsqueeze(2), Levels);
        return (weights.log_softmax(2) + perComponent).logsumexp(2).MoveToOuterDisposeScope();
    }

    internal override torch.Tensor Sample(torch.Tensor parameters, torch.ScalarType dtype, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var parts = parameters.chunk(3, 1); // [batch, M] each
        var component = new Categorical(logits: parts[0]).Sample(Array.Empty<long>(), generator).unsqueeze(1);
        var mean = parts[1].gather(1, component).squeeze(1);
        var scale = parts[2].gather(1, component).squeeze(1).exp();
        // u in (0, 1): rand never returns 1, and the floor keeps log u finite.
        var u = DeviceRandom.Uniform(mean.shape, mean.dtype, mean.device, generator).clamp_min(1e-30);
        var y = mean + (scale * (u.log() - (-u).log1p())); // a logistic draw
        var level = ((y + 1) * ((Levels - 1) / 2.0)).round().clamp(0, Levels - 1);
        return level.to_type(dtype).MoveToOuterDisposeScope();
    }
}
