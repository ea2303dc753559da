using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Glow's activation normalisation over image channels: y = x·exp(logScale) + shift per channel, initialised from the
/// first batch the model scores so that its outputs have zero mean and unit variance per channel.
/// </summary>
public sealed record ActNormSpec : ImageBijSpec
{
    /// <inheritdoc/>
    public override string ToString() => "ActNorm";

    internal override ImageShape Check(string path, ImageShape input) => input;

    internal override BijectorModule Compile(ImageShape input, long contextFeatures) => new Module(input.Channels);

    private sealed class Module : BijectorModule
    {
        // Field names are the state-dict names, so that .to(device) rebinds them.
        private readonly Parameter shift;
        private readonly Parameter logScale;
        private readonly torch.Tensor initialised;

        public Module(long channels) : base("actnorm")
        {
            shift = torch.nn.Parameter(torch.zeros(channels));
            logScale = torch.nn.Parameter(torch.zeros(channels));
            initialised = torch.tensor(false);
            RegisterComponents();
        }

        // Image flows run their steps data to base in the forward direction, so the first batch of data initialises.
        public override IBijector Build(torch.Tensor? context) => new ActNorm(shift, logScale, initialised, 3, NormalisingDirection.Forward);
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, ImageShape input, long contextFeatures)
    {
        budget.Add(path, 2 * (Int128)input.Channels);
        budget.Buffer(path, 1); // whether the data-dependent initialisation has run
    }
}
