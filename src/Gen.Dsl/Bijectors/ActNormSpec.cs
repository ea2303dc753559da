using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Glow's activation normalisation: y = x·exp(logScale) + shift per channel of image events [C, H, W] (per feature of
/// vector events [features]), initialised from the first batch the model scores so that the data, mapped towards the
/// base, has zero mean and unit variance per channel. It serves image flows and vector flows alike: the flow's
/// <see cref="StepShape.Direction"/> says which of its passes sees the data.
/// </summary>
public sealed record ActNormSpec : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "ActNorm";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape) => ArgumentNullException.ThrowIfNull(shape);

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Module(shape.Event[0], shape.Event.Count, shape.Direction);
    }

    private sealed class Module : BijectorModule
    {
        // Field names are the state-dict names, so that .to(device) rebinds them.
        private readonly Parameter shift;
        private readonly Parameter logScale;
        private readonly torch.Tensor initialised;
        private readonly int eventRank;
        private readonly NormalisingDirection direction;

        public Module(long channels, int eventRank, FlowDirection flow) : base("actnorm")
        {
            shift = torch.nn.Parameter(torch.zeros(channels));
            logScale = torch.nn.Parameter(torch.zeros(channels));
            initialised = torch.tensor(false);
            this.eventRank = eventRank;
            // The pass towards the base sees the data first, so it is the one the initialisation normalises.
            direction = flow == FlowDirection.DataToBase ? NormalisingDirection.Forward : NormalisingDirection.Inverse;
            RegisterComponents();
        }

        public override IBijector Build(torch.Tensor? context) => new ActNorm(shift, logScale, initialised, eventRank, direction);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        budget.Add(path, 2 * (Int128)shape.Event[0]);
        budget.Buffer(path, 1); // whether the data-dependent initialisation has run
    }
}
