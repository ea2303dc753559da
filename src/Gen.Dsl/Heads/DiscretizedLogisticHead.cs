using System;
using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Integer values <c>0 … Levels − 1</c> (stored as floats) under a discretised logistic (PixelCNN++'s pixel
/// likelihood, <see cref="Gen.Probability.Distributions.DiscretizedLogistic"/>): the network gives a location on the
/// levels' [−1, 1] scale and a log-scale per element; a pixel model's network sees <c>2x / (Levels − 1) − 1</c>.
/// </summary>
/// <param name="Levels">The number of levels, at least 2 (256 for 8-bit pixels).</param>
public sealed record DiscretizedLogisticHead(int Levels) : HeadSpec
{
    /// <inheritdoc/>
    public override int ParametersPerElement => 2;

    /// <inheritdoc/>
    public override string SupportText => IntegerLevels.SupportText(Levels);

    /// <inheritdoc/>
    public override void Check()
    {
        if (Levels < 2)
        {
            throw new ArgumentOutOfRangeException("levels", Levels, "head.levels: a discretised element needs at least two values.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"DiscretizedLogistic({Levels} levels)";

    /// <inheritdoc/>
    public override IDistribution Distribution(torch.Tensor parameters)
    {
        Checked(parameters);
        return new Gen.Probability.Distributions.DiscretizedLogistic(parameters.select(-1, 0), parameters.select(-1, 1), Levels);
    }

    /// <inheritdoc/>
    public override torch.Tensor Contains(torch.Tensor x) => IntegerLevels.Contains(x, Levels);

    /// <inheritdoc/>
    public override torch.Tensor NetworkInput(torch.Tensor x) => IntegerLevels.Scale(x, Levels);
}
