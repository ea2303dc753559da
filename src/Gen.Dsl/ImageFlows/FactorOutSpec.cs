using TorchSharp;
using Gen.Probability;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>
/// The factor-out of multi-scale flows: of [C, H, W], the first C/2 channels go on through the following steps and
/// the other C/2 go straight to the standard normal base. Needs an even channel count.
/// </summary>
public sealed record FactorOutSpec : ImageBijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "FactorOut(half the channels to the base)";

    internal override ImageShape Check(string path, ImageShape input)
    {
        if (input.Channels < 2 || input.Channels % 2 != 0)
        {
            throw new GenShapeException(path, $"a factor-out sends half the channels to the base and needs an even channel count, but the events here are {input} (C, H, W); squeeze first.");
        }

        return input with { Channels = input.Channels / 2 };
    }

    // The model nests the following steps inside a FactorOut bijector; this module only holds the step's place, so
    // that module indices match step indices.
    internal override BijectorModule Compile(ImageShape input, long contextFeatures) => new Module();

    private sealed class Module() : BijectorModule("factor_out")
    {
        public override IBijector Build(torch.Tensor? context) => Elementwise.Identity;
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, ImageShape input, long contextFeatures)
    {
        // A factor-out has no parameters.
    }
}
