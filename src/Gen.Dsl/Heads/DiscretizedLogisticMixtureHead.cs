using System;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Integer values <c>0 … Levels − 1</c> (stored as floats), each a mixture of <paramref name="Components"/> discretised
/// logistics on [−1, 1] (Salimans et al. 2017): value k covers <c>[y − 1/(Levels − 1), y + 1/(Levels − 1)]</c> around
/// <c>y = 2k / (Levels − 1) − 1</c>, and the end values take the tails. Parameters per element, in order:
/// <c>Components</c> mixture logits, <c>Components</c> locations, <c>Components</c> log-scales. A pixel model's network
/// sees <c>2x / (Levels − 1) − 1</c>; its masks condition each colour channel on the earlier ones, so no cross-channel
/// coefficients are needed.
/// </summary>
/// <param name="Components">Mixture components per element.</param>
/// <param name="Levels">Number of values; 256 for 8-bit pixels.</param>
public sealed record DiscretizedLogisticMixtureHead(int Components, int Levels) : HeadSpec
{
    /// <inheritdoc/>
    public override int ParametersPerElement => 3 * Components;

    /// <inheritdoc/>
    public override string SupportText => IntegerLevels.SupportText(Levels);

    /// <inheritdoc/>
    public override void Check()
    {
        if (Components < 1)
        {
            throw new ArgumentOutOfRangeException("components", Components, "head.components: a mixture needs at least one component.");
        }

        if (Levels < 2)
        {
            throw new ArgumentOutOfRangeException("levels", Levels, "head.levels: a discretised element needs at least two values.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"DiscretizedLogisticMixture({Components}, {Levels})";

    /// <inheritdoc/>
    public override IDistribution Distribution(torch.Tensor parameters)
    {
        var parts = Checked(parameters).chunk(3, -1); // S ++ [M] each
        return new MixtureSameFamily(new Categorical(logits: parts[0]), new Gen.Probability.Distributions.DiscretizedLogistic(parts[1], parts[2], Levels));
    }

    /// <inheritdoc/>
    public override torch.Tensor Contains(torch.Tensor x) => IntegerLevels.Contains(x, Levels);

    /// <inheritdoc/>
    public override torch.Tensor NetworkInput(torch.Tensor x) => IntegerLevels.Scale(x, Levels);
}
