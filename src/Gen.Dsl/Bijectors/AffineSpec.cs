using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>A learnable per-feature scale and shift (ActNorm without data-dependent initialisation), starting at the identity.</summary>
public sealed record AffineSpec : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "Affine";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.VectorFeatures(path);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(shape.Features);

    private sealed class Module : BijectorModule
    {
        private readonly Parameter shift;
        private readonly Parameter logScale;

        public Module(long features) : base("affine")
        {
            shift = new Parameter(torch.zeros(features));
            logScale = new Parameter(torch.zeros(features));
            register_parameter("shift", shift);
            register_parameter(nameof(logScale), logScale); // TorchSharp re-binds fields by their registered name on .to()
        }

        public override IBijector Build(torch.Tensor? context) => new ElementwiseAffine(shift, logScale, eventRank: 1);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape) => budget.Add(path, 2 * (Int128)shape.Features);
}
