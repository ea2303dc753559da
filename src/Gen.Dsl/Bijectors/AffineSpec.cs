using System;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A learnable scale and shift per element of the event (per feature of vectors, per channel and pixel of images),
/// starting at the identity: ActNorm without the data-dependent initialisation, and with a parameter per element.
/// </summary>
public sealed record AffineSpec : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "Affine";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Module(shape.Event.ToArray());
    }

    private sealed class Module : BijectorModule
    {
        private readonly Parameter shift;
        private readonly Parameter logScale;

        private readonly int eventRank;

        public Module(long[] eventShape) : base("affine")
        {
            eventRank = eventShape.Length;
            shift = new Parameter(torch.zeros(eventShape));
            logScale = new Parameter(torch.zeros(eventShape));
            register_parameter("shift", shift);
            register_parameter(nameof(logScale), logScale); // TorchSharp re-binds fields by their registered name on .to()
        }

        public override IBijector Build(torch.Tensor? context) => new ElementwiseAffine(shift, logScale, eventRank);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        budget.Add(path, 2 * shape.Event.Aggregate((Int128)1, (size, d) => size * d));
    }
}
