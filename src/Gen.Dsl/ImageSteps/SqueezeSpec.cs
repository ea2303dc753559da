using System;
using TorchSharp;
using Gen.Probability;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>
/// The 2×2 squeeze (space to depth) of image events: its forward pass turns [C, H, W] into [4C, H/2, W/2]; needs even
/// H and W. Volume-preserving.
/// </summary>
public sealed record SqueezeSpec : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "Squeeze(2x2)";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image(path);
        if (input.Height % 2 != 0 || input.Width % 2 != 0)
        {
            throw new GenShapeException(path, $"a 2x2 squeeze needs even height and width, but the events here are {input} (C, H, W).");
        }
    }

    /// <inheritdoc/>
    public override StepShape Next(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image("squeeze");
        return shape.WithEvent(new[] { 4 * input.Channels, input.Height / 2, input.Width / 2 });
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module();

    private sealed class Module() : BijectorModule("squeeze")
    {
        private static readonly Squeeze Squeeze = new();

        public override IBijector Build(torch.Tensor? context) => Squeeze;
    }
}
