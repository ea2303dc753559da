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

    internal override void Check(string path, long features)
    {
    }

    internal override BijectorModule Compile(long features, long contextFeatures) => new Module(features);

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

        public override IBijector Build() => new ElementwiseAffine(shift, logScale, eventRank: 1);
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, long features, long contextFeatures) => budget.Add(path, 2 * (Int128)features);
}
