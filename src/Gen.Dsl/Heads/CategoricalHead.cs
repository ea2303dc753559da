using System;
using Gen.Probability;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Integer values <c>0 … Levels − 1</c> (stored as floats): a softmax over <paramref name="Levels"/> logits per element;
/// a pixel model's network sees <c>2x / (Levels − 1) − 1</c>.
/// </summary>
/// <param name="Levels">Number of values; 256 for 8-bit pixels.</param>
public sealed record CategoricalHead(int Levels) : HeadSpec
{
    /// <inheritdoc/>
    public override int ParametersPerElement => Levels;

    /// <inheritdoc/>
    public override string SupportText => IntegerLevels.SupportText(Levels);

    /// <inheritdoc/>
    public override void Check()
    {
        if (Levels < 2)
        {
            throw new ArgumentOutOfRangeException("levels", Levels, "head.levels: a categorical element needs at least two values.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Categorical({Levels})";

    /// <inheritdoc/>
    public override IDistribution Distribution(torch.Tensor parameters) => new Categorical(logits: Checked(parameters));

    /// <inheritdoc/>
    public override torch.Tensor Contains(torch.Tensor x) => IntegerLevels.Contains(x, Levels);

    /// <inheritdoc/>
    public override torch.Tensor NetworkInput(torch.Tensor x) => IntegerLevels.Scale(x, Levels);
}
