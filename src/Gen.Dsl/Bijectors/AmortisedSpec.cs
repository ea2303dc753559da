using System;
using System.Linq;
using Gen.Probability;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A step whose parameters are the flow's context, one set per example, instead of parameters of its own: amortised
/// planar and radial steps, whose parameters a VAE's encoder computes from each x (Rezende and Mohamed 2015), or any
/// step that implements <see cref="IParametersFromContext"/>. The context's width must be the step's parameter count;
/// the step holds no weights. Build it with <see cref="Bij.Amortised"/>.
/// </summary>
/// <param name="Step">The step whose parameters the context gives.</param>
public sealed record AmortisedSpec(BijSpec Step) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => $"Amortised({Step})";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (Step is not IParametersFromContext amortisable)
        {
            throw new GenShapeException(path, $"{Step} cannot take its parameters from the context; a step that can implements IParametersFromContext (Bij.Planar, Bij.Radial).");
        }

        Step.Check(path, shape);
        long needed = amortisable.ParameterCount(shape.Features);
        if (shape.ContextFeatures != needed)
        {
            throw new GenShapeException($"{path}.context", $"an amortised {Step} step over {Shape.Format(shape.Event.ToArray())} reads its {needed} parameters from the context, but the context has {shape.ContextFeatures} features.");
        }
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module((IParametersFromContext)Step);

    private sealed class Module : BijectorModule
    {
        private readonly IParametersFromContext step;

        public Module(IParametersFromContext step) : base("amortised") => this.step = step;

        public override IBijector Build(torch.Tensor? context) =>
            step.FromParameters(context ?? throw new GenShapeException("amortised.context", "an amortised step needs its parameters as the context; none was given."));
    }
}
