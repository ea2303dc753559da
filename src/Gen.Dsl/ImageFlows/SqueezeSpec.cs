using TorchSharp;
using Gen.Probability;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>The 2×2 squeeze (space to depth): [C, H, W] becomes [4C, H/2, W/2]; needs even H and W. Volume-preserving.</summary>
public sealed record SqueezeSpec : ImageBijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "Squeeze(2x2)";

    internal override ImageShape Check(string path, ImageShape input)
    {
        if (input.Height % 2 != 0 || input.Width % 2 != 0)
        {
            throw new GenShapeException(path, $"a 2x2 squeeze needs even height and width, but the events here are {input} (C, H, W).");
        }

        return new ImageShape(4 * input.Channels, input.Height / 2, input.Width / 2);
    }

    internal override BijectorModule Compile(ImageShape input, long contextFeatures) => new Module();

    private sealed class Module() : BijectorModule("squeeze")
    {
        private static readonly Squeeze Squeeze = new();

        public override IBijector Build(torch.Tensor? context) => Squeeze;
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, ImageShape input, long contextFeatures)
    {
        // A squeeze has no parameters.
    }
}
