using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A normalizing flow over events of any shape: vectors [features], images [C, H, W] or anything else. A base
/// distribution and bijectors (steps), listed in one of two directions:
/// <list type="bullet">
/// <item><see cref="FlowDirection.BaseToData"/> (<see cref="Flow.Over"/>): the order in which the steps map base samples
/// to data, as MAF, IAF and RealNVP over vectors are written; the steps keep the events' shape.</item>
/// <item><see cref="FlowDirection.DataToBase"/> (<see cref="Flow.DataToBase"/>, <see cref="ImageFlow"/>): the order in
/// which they map data to the base, as the RealNVP and Glow papers write multi-scale flows; steps may reshape the events
/// (squeezes) and factor half of them out to the base, and the base (a standard normal unless
/// <see cref="WithBase"/>) is over all the event's numbers, flattened.</item>
/// </list>
/// Either way, an optional <see cref="Preprocessing"/> maps pixel values to the steps' space at the data end (part of the
/// density, so bits per dimension are in pixel space). Each step is checked against the events it sees when it is added.
/// A conditional flow (<see cref="WithContext"/>) models p(x | c): every step whose parameters come from a network reads
/// the context c, and so does a base that reads one.
/// </summary>
/// <param name="Base">The base distribution.</param>
/// <param name="Steps">The bijectors, in the order of <see cref="Direction"/>.</param>
public sealed record FlowSpec(DistSpec Base, ValueList<BijSpec> Steps) : IModelSpec<FlowModel>, ISizedSpec
{
    private const string Node = "flow";

    // The data's event shape for a flow listed data to base; null for one listed base to data, whose data have the
    // base's event shape.
    private ValueList<long>? dataShape;

    // The event shape after the last step, for the step list it was computed from, so that appending a step checks
    // only that step (recomputing it made building a flow of n steps cost n² checks). Not part of equality.
    private (ValueList<BijSpec> Steps, ValueList<long> Output)? output;

    /// <summary>The shape of one data event: [features] for vectors, [C, H, W] for images.</summary>
    public long[] EventShape => (dataShape?.ToArray() ?? Base.EventShape).ToArray();

    /// <summary>The numbers per event: the features of a vector, C·H·W of an image (what bits per dimension divide by).</summary>
    public long Features => EventShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The direction the steps are listed in, which is the direction each step's bijector maps in its forward pass.</summary>
    public FlowDirection Direction => dataShape is null ? FlowDirection.BaseToData : FlowDirection.DataToBase;

    /// <summary>
    /// The width C of the context the flow is conditioned on; 0 for an unconditional flow. Set it with
    /// <see cref="WithContext"/> (or through a base distribution that reads a context).
    /// </summary>
    public int ContextFeatures { get; init; }

    /// <summary>The map from pixel space to the steps' space at the data end (part of the density); none by default.</summary>
    public ImagePreprocessing Preprocessing { get; private init; } = ImagePreprocessing.None;

    /// <summary>
    /// A flow listed from data to base over events of <paramref name="eventShape"/>, with no steps yet, a standard
    /// normal base over all the event's numbers and no preprocessing (see <see cref="Flow.DataToBase"/>).
    /// </summary>
    internal static FlowSpec ListedDataToBase(long[] eventShape)
    {
        // In 128 bits: sizes that multiply past 2^63 must not wrap round to a small count.
        var features = eventShape.Aggregate((Int128)1, (a, b) => a * b);
        if (features > int.MaxValue)
        {
            throw new GenShapeException(Node, $"an event of shape {Shape.Format(eventShape)} has {features} numbers; the standard normal base takes at most {int.MaxValue}.");
        }

        return new FlowSpec(new StandardNormalSpec((int)features), ValueList<BijSpec>.Empty) { dataShape = new ValueList<long>(eventShape) };
    }

    /// <summary>
    /// The flow conditioned on a context of <paramref name="features"/> features: coupling networks read the context
    /// next to the kept features (convolutional ones as that many more input channels, constant over the image), MAF
    /// and IAF layers feed it to every layer of their MADE, and a conditional base distribution computes its parameters
    /// from it; permutations, squeezes, ActNorms, factor-outs and other steps without a network ignore it. Steps may be
    /// added before or after.
    /// </summary>
    /// <exception cref="GenShapeException">The width is not positive, a step does not take it, or the base distribution reads a context of another width.</exception>
    public FlowSpec WithContext(int features)
    {
        if (features < 1)
        {
            throw new GenShapeException($"{Node}.context", $"the context width must be positive, got {features}.");
        }

        var spec = this with { ContextFeatures = features };
        spec.CheckContext();
        spec.Shapes(); // the steps are checked again for the context
        return spec;
    }

    /// <summary>
    /// The same flow over another base distribution: for a flow listed base to data, over the data's event shape; for
    /// one listed data to base, over vectors of all the event's numbers (<see cref="Features"/>), the order in which the
    /// steps leave them (factored-out parts first). A base that reads a context makes the flow conditional on it.
    /// </summary>
    /// <exception cref="GenShapeException">The base's events do not fit (or, listed base to data, do not fit the steps), or it reads a context of another width than the flow's.</exception>
    public FlowSpec WithBase(DistSpec baseDistribution)
    {
        ArgumentNullException.ThrowIfNull(baseDistribution);
        var spec = this with
        {
            Base = baseDistribution,
            ContextFeatures = ContextFeatures == 0 ? baseDistribution.ContextFeatures : ContextFeatures,
        };
        spec.CheckBase();
        spec.CheckContext();
        spec.Shapes(); // in a flow listed base to data, the steps see the base's events
        return spec;
    }

    /// <summary>The same flow with another preprocessing map at its data end.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The preprocessing's levels or α do not fit its kind.</exception>
    public FlowSpec WithPreprocessing(ImagePreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return this with { Preprocessing = ImagePreprocessing.Checked(preprocessing) };
    }

    /// <summary>What the first step of the flow sees: the data's events (the base's for a flow listed base to data), the context's width and the direction.</summary>
    public StepShape StepShape => At(EventShape);

    /// <summary>
    /// The flow with <paramref name="step"/> appended: any step (<see cref="BijSpec"/>) that accepts the events it would
    /// see, whether from <see cref="Bij"/>, <see cref="ImageBij"/> or one of your own.
    /// </summary>
    /// <exception cref="GenShapeException">The step does not fit the events it would see, or changes their shape in a flow listed base to data; the message names <c>flow.steps[i]</c>.</exception>
    public FlowSpec Then(BijSpec step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var next = CheckStep(step, $"{Node}.steps[{Steps.Count}]", At(OutputEvent()));
        var steps = Steps.Add(step);
        return this with { Steps = steps, output = (steps, next.Event) };
    }

    /// <summary>The flow with <paramref name="steps"/> appended in order, each checked as by <see cref="Then(BijSpec)"/>.</summary>
    /// <exception cref="GenShapeException">A step does not fit the events it would see; the message names <c>flow.steps[i]</c>.</exception>
    public FlowSpec Then(IEnumerable<BijSpec> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return steps.Aggregate(this, (flow, step) => flow.Then(step));
    }

    /// <summary>
    /// The flow with <paramref name="steps"/> appended in order, each checked as by <see cref="Then(BijSpec)"/>. Steps of
    /// different kinds mix as arguments without naming their common type, from F# too:
    /// <c>spec.Then(Bij.AffineCoupling(...), Bij.Reverse(), Bij.ActNorm())</c> (an F# list literal of mixed steps needs
    /// its type stated, <c>let steps: BijSpec list = [ ... ]</c>).
    /// </summary>
    /// <exception cref="GenShapeException">A step does not fit the events it would see; the message names <c>flow.steps[i]</c>.</exception>
    public FlowSpec Then(params BijSpec[] steps) => Then((IEnumerable<BijSpec>)steps);

    /// <summary>The steps repeated <paramref name="times"/> times in total (so <c>Repeat(1)</c> changes nothing).</summary>
    /// <exception cref="GenShapeException">The repeated steps do not fit (a squeeze repeated past the image's size).</exception>
    public FlowSpec Repeat(int times)
    {
        if (times < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "A flow's steps can be repeated one or more times.");
        }

        var once = Steps;
        return Enumerable.Range(1, times - 1).Aggregate(this, (flow, _) => flow.Then(once));
    }

    // Checks a step where it sits and returns where it leaves the events. A flow listed base to data keeps the events'
    // shape: a step that changes it (a squeeze) belongs in one listed data to base, which nests its factor-outs.
    private StepShape CheckStep(BijSpec step, string path, StepShape shape)
    {
        step.Check(path, shape);
        var next = step.Next(shape);
        if (Direction == FlowDirection.BaseToData && next != shape)
        {
            throw new GenShapeException(path, $"{step} changes the events from {shape} to {next}, but the steps of a flow listed from base to data keep their shape; list the flow from the data to its base (Flow.DataToBase, ImageFlow.Over) for steps that reshape.");
        }

        return next;
    }

    // What a step sees: events of the given shape, the flow's context, the flow's direction.
    private StepShape At(IReadOnlyList<long> events) => new(events, ContextFeatures) { Direction = Direction };

    /// <summary>The event shape after the last step (the data's, for a flow whose steps keep it).</summary>
    internal ValueList<long> OutputShape => new(OutputEvent());

    private IReadOnlyList<long> OutputEvent() =>
        output is { } known && ReferenceEquals(known.Steps, Steps) ? known.Output : Shapes()[^1].Event;

    /// <summary>Where each step sits, and where the last leaves the events (Steps.Count + 1 places), each step checked.</summary>
    internal StepShape[] Shapes()
    {
        var shapes = new StepShape[Steps.Count + 1];
        shapes[0] = StepShape;
        for (int i = 0; i < Steps.Count; i++)
        {
            shapes[i + 1] = CheckStep(Steps[i], $"{Node}.steps[{i}]", shapes[i]);
        }

        return shapes;
    }

    /// <summary>
    /// Compiles the spec to a new, independent TorchSharp module on <paramref name="device"/>. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile (even while other threads compile or draw through Gen; see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">The spec does not fit together (possible when it was built with the record
    /// constructor or <c>with</c> instead of the factories and <see cref="Then(BijSpec)"/>).</exception>
    public FlowModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Check();
        return SpecCompiler.Compile(Build, device, dtype, seed);
    }

    /// <summary>The module on the CPU in the default dtype, for a model that holds a flow as a part (a VAE's prior).</summary>
    internal FlowModel Build()
    {
        var shapes = Shapes();
        return new FlowModel(this, Base.Compile(), Steps.Select((step, i) => step.Compile(shapes[i])).ToArray(), shapes);
    }

    /// <summary>The checks of the factories and <see cref="Then(BijSpec)"/>, for a spec built with the record constructor.</summary>
    private void Check()
    {
        ArgumentNullException.ThrowIfNull(Base);
        ArgumentNullException.ThrowIfNull(Steps);
        ArgumentNullException.ThrowIfNull(Preprocessing);
        ImagePreprocessing.Checked(Preprocessing);
        CheckBase();
        Shapes();
        CheckContext();
    }

    private void CheckBase()
    {
        var events = Base.EventShape;
        if (dataShape is null)
        {
            if (events.Length != 1 || events[0] < 1)
            {
                throw new GenShapeException($"{Node}.base", $"a flow listed from base to data needs a base over vectors with at least one feature, got {Shape.Format(events)}.");
            }
        }
        else if (events.Length != 1 || events[0] != Features)
        {
            throw new GenShapeException($"{Node}.base", $"the base of a flow listed from data to base is over the {Features} numbers of an event {Shape.Format(EventShape)}, flattened, so its events must be [{Features}], got {Shape.Format(events)}.");
        }
    }

    private void CheckContext()
    {
        if (ContextFeatures < 0)
        {
            throw new GenShapeException($"{Node}.context", $"the context width must be positive, got {ContextFeatures}.");
        }

        if (Base.ContextFeatures > 0 && Base.ContextFeatures != ContextFeatures)
        {
            throw new GenShapeException($"{Node}.base.context", $"the base distribution reads a context of {Base.ContextFeatures} features, but the flow's context has {ContextFeatures}.");
        }
    }

    /// <summary>Whether the base is the standard normal a flow listed data to base starts with.</summary>
    internal bool HasDefaultBase => Base == new StandardNormalSpec((int)Math.Min(Features, int.MaxValue));

    /// <inheritdoc/>
    public bool Equals(FlowSpec? other) =>
        other is not null && Equals(Base, other.Base) && Equals(Steps, other.Steps) && ContextFeatures == other.ContextFeatures
        && Equals(Preprocessing, other.Preprocessing) && Equals(dataShape, other.dataShape);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Base, Steps, ContextFeatures, Preprocessing, dataShape);

    /// <summary>The spec as an indented tree: for a flow listed data to base, with the event shape after each step and each factor-out's rest indented.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Direction == FlowDirection.BaseToData)
        {
            sb.Append("Flow over ").Append(Base).Append(" [").Append(Features).Append(']');
        }
        else
        {
            sb.Append("Flow from data ").Append(Shape.Format(EventShape)).Append(" to base");
        }

        if (ContextFeatures > 0)
        {
            sb.Append(" given context [").Append(ContextFeatures).Append(']');
        }

        if (Preprocessing.Kind != ImagePreprocessingKind.None)
        {
            sb.Append(", preprocessing: ").Append(Preprocessing);
        }

        var shapes = Direction == FlowDirection.DataToBase ? Shapes() : null;
        int depth = 1;
        for (int i = 0; i < Steps.Count; i++)
        {
            sb.AppendLine().Append(' ', 2 * depth).Append('[').Append(i).Append("] ").Append(Steps[i]);
            if (shapes is not null)
            {
                sb.Append("  -> ").Append(Shape.Format(shapes[i + 1].Event.ToArray()));
            }

            if (Steps[i] is FactorOutSpec)
            {
                depth++;
            }
        }

        if (shapes is not null)
        {
            sb.AppendLine().Append(' ', 2 * depth).Append("base: ").Append(Base);
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget) => Measure(budget, Node);

    /// <summary>Counts what <see cref="Build"/> builds into <paramref name="budget"/>, as the part <paramref name="path"/> of a model.</summary>
    internal void Measure(SpecBudget budget, string path)
    {
        if (Direction == FlowDirection.DataToBase)
        {
            budget.Features(path, Features);
        }

        Base.Measure(budget, $"{path}.base");
        if (ContextFeatures > 0)
        {
            budget.Features($"{path}.context", ContextFeatures);
        }

        var shapes = Shapes();
        for (int i = 0; i < Steps.Count; i++)
        {
            var step = $"{path}.steps[{i}]";
            budget.Step(step);
            Steps[i].Measure(budget, step, shapes[i]);
        }
    }
}
