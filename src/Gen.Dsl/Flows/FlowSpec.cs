using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A normalizing flow: a base distribution pushed through bijectors, listed in the order they map base samples
/// to data. Each step is checked against the flow's event shape when it is added. A conditional flow
/// (<see cref="WithContext"/>) models p(x | c): every step whose parameters come from a network reads the context c.
/// </summary>
/// <param name="Base">The base distribution.</param>
/// <param name="Steps">The bijectors, in the order applied to base samples.</param>
public sealed record FlowSpec(DistSpec Base, ValueList<BijSpec> Steps) : IModelSpec<FlowModel>, ISizedSpec
{
    /// <summary>Features per event.</summary>
    public long Features => Base.EventShape[^1];

    /// <summary>
    /// The width C of the context the flow is conditioned on; 0 for an unconditional flow. Set it with
    /// <see cref="WithContext"/> (or through a base distribution that reads a context).
    /// </summary>
    public int ContextFeatures { get; init; }

    /// <summary>
    /// The flow conditioned on a context of <paramref name="features"/> features: coupling networks read the context
    /// next to the kept features, MAF and IAF layers feed it to every layer of their MADE, and a conditional base
    /// distribution computes its parameters from it; permutations and other steps without a network ignore it.
    /// </summary>
    /// <exception cref="GenShapeException">The width is not positive, or the base distribution reads a context of another width.</exception>
    public FlowSpec WithContext(int features)
    {
        if (features < 1)
        {
            throw new GenShapeException("flow.context", $"the context width must be positive, got {features}.");
        }

        var spec = this with { ContextFeatures = features };
        spec.CheckContext();
        return spec;
    }

    /// <summary>What every step of the flow sees: vector events of <see cref="Features"/> features and the context's width.</summary>
    public StepShape StepShape => StepShape.Vector(Features, ContextFeatures);

    /// <summary>The flow with <paramref name="step"/> appended.</summary>
    /// <exception cref="GenShapeException">The step does not fit the flow's events; the message names <c>flow.steps[i]</c>.</exception>
    public FlowSpec Then(BijSpec step)
    {
        ArgumentNullException.ThrowIfNull(step);
        CheckStep(step, $"flow.steps[{Steps.Count}]");
        return this with { Steps = Steps.Add(step) };
    }

    /// <summary>The flow with <paramref name="steps"/> appended in order, each checked as by <see cref="Then(BijSpec)"/>.</summary>
    /// <exception cref="GenShapeException">A step does not fit the flow's events; the message names <c>flow.steps[i]</c>.</exception>
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
    /// <exception cref="GenShapeException">A step does not fit the flow's events; the message names <c>flow.steps[i]</c>.</exception>
    public FlowSpec Then(params BijSpec[] steps) => Then((IEnumerable<BijSpec>)steps);

    // A vector flow's steps keep the events' shape: one that changes it (a squeeze) belongs in an image flow.
    private void CheckStep(BijSpec step, string path)
    {
        var shape = StepShape;
        step.Check(path, shape);
        if (step.Next(shape) is var next && next != shape)
        {
            throw new GenShapeException(path, $"{step} changes the events from {shape} to {next}, but the steps of a vector flow keep their shape; declare an image flow (ImageFlow.Over) for steps that reshape.");
        }
    }

    /// <summary>The steps repeated <paramref name="times"/> times in total (so <c>Repeat(1)</c> changes nothing).</summary>
    public FlowSpec Repeat(int times)
    {
        if (times < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "A flow's steps can be repeated one or more times.");
        }

        return this with { Steps = new ValueList<BijSpec>(Enumerable.Repeat(Steps, times).SelectMany(s => s)) };
    }

    /// <summary>
    /// Compiles the spec to a new, independent TorchSharp module on <paramref name="device"/>. With a
    /// <paramref name="seed"/>, the initial weights are the same on every compile (even while other threads compile or draw through Gen; see <see cref="Seed.Building{T}"/>).
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">The spec does not fit together (possible when it was built with the record
    /// constructor instead of <see cref="Flow.Over"/> and <see cref="Then(BijSpec)"/>).</exception>
    public FlowModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Check();
        return SpecCompiler.Compile(Build, device, dtype, seed);
    }

    /// <summary>The module on the CPU in the default dtype, for a model that holds a flow as a part (a VAE's prior).</summary>
    internal FlowModel Build() => new(this, Base.Compile(), Steps.Select(step => step.Compile(StepShape)).ToArray());

    /// <summary>The checks of <see cref="Flow.Over"/> and <see cref="Then(BijSpec)"/>, for a spec built with the record constructor.</summary>
    private void Check()
    {
        ArgumentNullException.ThrowIfNull(Base);
        ArgumentNullException.ThrowIfNull(Steps);
        if (Base.EventShape.Length != 1 || Base.EventShape[0] < 1)
        {
            throw new GenShapeException("flow.base", $"vector flows need events of rank 1 with at least one feature, got {Shape.Format(Base.EventShape)}.");
        }

        for (int i = 0; i < Steps.Count; i++)
        {
            CheckStep(Steps[i], $"flow.steps[{i}]");
        }

        CheckContext();
    }

    private void CheckContext()
    {
        if (ContextFeatures < 0)
        {
            throw new GenShapeException("flow.context", $"the context width must be positive, got {ContextFeatures}.");
        }

        if (Base.ContextFeatures > 0 && Base.ContextFeatures != ContextFeatures)
        {
            throw new GenShapeException("flow.base.context", $"the base distribution reads a context of {Base.ContextFeatures} features, but the flow's context has {ContextFeatures}.");
        }
    }

    /// <summary>The spec as an indented tree.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Flow over ").Append(Base).Append(" [").Append(Features).Append(']');
        if (ContextFeatures > 0)
        {
            sb.Append(" given context [").Append(ContextFeatures).Append(']');
        }

        for (int i = 0; i < Steps.Count; i++)
        {
            sb.AppendLine().Append("  [").Append(i).Append("] ").Append(Steps[i]);
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget) => Measure(budget, "flow");

    /// <summary>Counts what <see cref="Build"/> builds into <paramref name="budget"/>, as the part <paramref name="path"/> of a model.</summary>
    internal void Measure(SpecBudget budget, string path)
    {
        Base.Measure(budget, $"{path}.base");
        if (ContextFeatures > 0)
        {
            budget.Features($"{path}.context", ContextFeatures);
        }

        for (int i = 0; i < Steps.Count; i++)
        {
            var step = $"{path}.steps[{i}]";
            budget.Step(step);
            Steps[i].Measure(budget, step, StepShape);
        }
    }
}
