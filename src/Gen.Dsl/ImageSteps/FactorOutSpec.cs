using System;
using TorchSharp;
using Gen.Probability;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>
/// The factor-out of multi-scale image flows: of [C, H, W], the first C/2 channels go on through the following steps
/// and the other C/2 go straight to the standard normal base. Needs an even channel count, and a flow listed from
/// data to base (<see cref="Flow.DataToBase"/>, <see cref="ImageFlow.Over"/>), which nests the steps after it; a flow
/// listed from base to data refuses it.
/// </summary>
public sealed record FactorOutSpec : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "FactorOut(half the channels to the base)";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image(path);
        if (shape.Direction != FlowDirection.DataToBase)
        {
            throw new GenShapeException(path, "a factor-out belongs in a flow listed from data to base (ImageFlow.Over(...).Then(ImageBij.FactorOut()), or Flow.DataToBase), which sends the factored channels to its base.");
        }

        if (input.Channels < 2 || input.Channels % 2 != 0)
        {
            throw new GenShapeException(path, $"a factor-out sends half the channels to the base and needs an even channel count, but the events here are {input} (C, H, W); squeeze first.");
        }
    }

    /// <inheritdoc/>
    public override StepShape Next(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var input = shape.Image("factor_out");
        return shape.WithEvent(new[] { input.Channels / 2, input.Height, input.Width });
    }

    // The model nests the following steps inside a FactorOut bijector; this module only holds the step's place, so
    // that module indices match step indices.
    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module();

    private sealed class Module() : BijectorModule("factor_out")
    {
        public override IBijector Build(torch.Tensor? context) => Elementwise.Identity;
    }
}
