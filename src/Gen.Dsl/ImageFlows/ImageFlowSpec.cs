using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A flow over images [C, H, W]: a preprocessing map from pixel space, then steps listed from data to base (squeezes,
/// ActNorms, 1×1 convolutions, couplings and factor-outs, as in the RealNVP and Glow papers), ending in a standard
/// normal base over all C·H·W dimensions (the parts factored out on the way and what remains at the end). Each step
/// is checked against the event shape it sees when it is added. Built with <see cref="ImageFlow"/>. A conditional flow
/// (<see cref="WithContext"/>) models p(x | c) for a context vector c, such as a one-hot class label.
/// </summary>
public sealed record ImageFlowSpec : IModelSpec<ImageFlowModel>, ISizedSpec
{
    internal ImageFlowSpec(int channels, int height, int width, ValueList<BijSpec> steps, ImagePreprocessing preprocessing)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Steps = steps;
        Preprocessing = preprocessing;
        output = Shapes()[^1].Event;
    }

    // The event shape after the last step, kept so that appending a step checks only that step: recomputing it from
    // every step made building (and reading) a flow of n steps cost n² checks. It follows from the fields above, so
    // equal specs hold equal values here.
    private ValueList<long> output;

    /// <summary>C: channels per image.</summary>
    public int Channels { get; private init; }

    /// <summary>H: image height.</summary>
    public int Height { get; private init; }

    /// <summary>W: image width.</summary>
    public int Width { get; private init; }

    /// <summary>The steps, from data to base.</summary>
    public ValueList<BijSpec> Steps { get; private init; }

    /// <summary>The map from pixel space to the steps' space (part of the density).</summary>
    public ImagePreprocessing Preprocessing { get; private init; }

    /// <summary>
    /// The width K of the context vector the flow is conditioned on; 0 for an unconditional flow. Set it with
    /// <see cref="WithContext"/>.
    /// </summary>
    public int ContextFeatures { get; private init; }

    /// <summary>D = C·H·W: dimensions per image.</summary>
    public long Dimensions => (long)Channels * Height * Width;

    /// <summary>The event shape [C, H, W] of the data.</summary>
    public long[] EventShape => new long[] { Channels, Height, Width };

    /// <summary>
    /// The flow with <paramref name="step"/> appended: any step (<see cref="BijSpec"/>) that accepts the events it would
    /// see, whether from <see cref="ImageBij"/>, an elementwise step from <see cref="Bij"/>, or one of your own. Steps
    /// run data to base (<see cref="FlowDirection.DataToBase"/>).
    /// </summary>
    /// <exception cref="GenShapeException">The step does not fit the events it would see; the message names <c>image_flow.steps[i]</c> and the shape.</exception>
    public ImageFlowSpec Then(BijSpec step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var shape = StepAt(output);
        step.Check($"image_flow.steps[{Steps.Count}]", shape);
        return this with { Steps = Steps.Add(step), output = step.Next(shape).Event };
    }

    /// <summary>The flow with <paramref name="steps"/> appended in order, each checked as by <see cref="Then(BijSpec)"/>.</summary>
    public ImageFlowSpec Then(IEnumerable<BijSpec> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Aggregate(this, (flow, step) => flow.Then(step));
    }

    /// <summary>The flow with <paramref name="steps"/> appended in order, as arguments of any step kinds (see <see cref="FlowSpec.Then(BijSpec[])"/>).</summary>
    /// <exception cref="GenShapeException">A step does not fit the events it would see.</exception>
    public ImageFlowSpec Then(params BijSpec[] steps) => Then((IEnumerable<BijSpec>)steps);

    /// <summary>
    /// The flow conditioned on a context vector of <paramref name="features"/> features, p(x | c): every coupling's
    /// network reads the context as <paramref name="features"/> more input channels, constant over the image (a one-hot
    /// class label gives class-conditional RealNVP or Glow). Squeezes, ActNorms, 1×1 convolutions, factor-outs and the
    /// preprocessing have no network and ignore it. Steps may be added before or after.
    /// </summary>
    /// <exception cref="GenShapeException">The width is not positive.</exception>
    public ImageFlowSpec WithContext(int features)
    {
        if (features < 1)
        {
            throw new GenShapeException("image_flow.context", $"the context width must be positive, got {features}.");
        }

        var spec = this with { ContextFeatures = features };
        spec.Shapes(); // the steps are checked again for the context
        return spec;
    }

    /// <summary>The same flow with another preprocessing map.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The preprocessing's levels or α do not fit its kind.</exception>
    public ImageFlowSpec WithPreprocessing(ImagePreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return this with { Preprocessing = ImagePreprocessing.Checked(preprocessing) };
    }

    /// <summary>
    /// Compiles the spec to a new, independent TorchSharp module on <paramref name="device"/>. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile (see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    public ImageFlowModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null) =>
        SpecCompiler.Compile(() => new ImageFlowModel(this), device, dtype, seed);

    /// <summary>The spec as an indented tree, with the event shape after each step.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("ImageFlow over ").Append(InputShape).Append(" (C, H, W)");
        if (ContextFeatures > 0)
        {
            sb.Append(" given context [").Append(ContextFeatures).Append(']');
        }

        sb.Append(", preprocessing: ").Append(Preprocessing);
        var shapes = Shapes();
        int depth = 1;
        for (int i = 0; i < Steps.Count; i++)
        {
            sb.AppendLine().Append(' ', 2 * depth).Append('[').Append(i).Append("] ").Append(Steps[i]).Append("  -> ").Append(Shape.Format(shapes[i + 1].Event.ToArray()));
            if (Steps[i] is FactorOutSpec)
            {
                depth++;
            }
        }

        sb.AppendLine().Append(' ', 2 * depth).Append("base: StandardNormal(").Append(Dimensions).Append(')');
        return sb.ToString();
    }

    /// <summary>[C, H, W] of the data.</summary>
    internal ImageShape InputShape => new(Channels, Height, Width);

    /// <summary>The event shape after the last step.</summary>
    internal ValueList<long> OutputShape => output;

    // What a step sees: events of the given shape, the flow's context, the data-to-base direction.
    private StepShape StepAt(IReadOnlyList<long> events) => new(events, ContextFeatures) { Direction = FlowDirection.DataToBase };

    /// <summary>Where each step sits, and where the last leaves the events (Steps.Count + 1 places), each step checked.</summary>
    internal StepShape[] Shapes()
    {
        var shapes = new StepShape[Steps.Count + 1];
        shapes[0] = StepAt(InputShape.ToArray());
        for (int i = 0; i < Steps.Count; i++)
        {
            Steps[i].Check($"image_flow.steps[{i}]", shapes[i]);
            shapes[i + 1] = Steps[i].Next(shapes[i]);
        }

        return shapes;
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        const string Path = "image_flow";
        budget.Features(Path, (Int128)Channels * Height * Width);
        budget.Buffer($"{Path}.base", 2 * (Int128)Channels * Height * Width);
        if (ContextFeatures > 0)
        {
            budget.Features($"{Path}.context", ContextFeatures);
        }

        var shapes = Shapes();
        for (int i = 0; i < Steps.Count; i++)
        {
            var step = $"{Path}.steps[{i}]";
            budget.Step(step);
            Steps[i].Measure(budget, step, shapes[i]);
        }
    }
}
