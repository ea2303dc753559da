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
        var value = x.to_type(torch.int64).unsqueeze(2);
        var centred = Scale(x).unsqueeze(2) - mean;
        var inverseScale = (-logScale).exp();
        var upper = inverseScale * (centred + (1.0 / (Levels - 1)));
        var lower = inverseScale * (centred - (1.0 / (Levels - 1)));

        // log(σ(upper) − σ(lower)) = log σ(upper) − softplus(lower) + log(1 − e^(lower − upper)): exact and stable
        // for any scale, since upper − lower = 2 / ((Levels − 1) · scale) > 0.
        var inner = torch.nn.functional.logsigmoid(upper) - torch.nn.functional.softplus(lower) + (-torch.expm1(lower - upper)).log();
        var first = torch.nn.functional.logsigmoid(upper);   // value 0 takes the lower tail
        var last = -torch.nn.functional.softplus(lower);     // value Levels − 1 takes the upper tail
        var perComponent = torch.where(value.eq(0), first, torch.where(value.eq(Levels - 1), last, inner));
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
