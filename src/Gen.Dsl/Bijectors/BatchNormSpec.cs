using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Batch normalisation as a flow step, as between the blocks of MAF and RealNVP (<see cref="Gen.Probability.Bijectors.BatchNorm"/>): towards the
/// base it normalises each feature of vector events (each channel of image events [C, H, W], over the batch and the
/// pixels) by the batch's mean and variance while the model trains (moving running averages
/// towards them) and by the running averages in evaluation, then scales by exp(logGamma) and shifts by beta. Sampling
/// uses the running averages, so in evaluation the two directions are exact inverses. It starts at the identity
/// scale and shift.
/// </summary>
/// <param name="Momentum">The weight of a new batch in the running averages, in [0, 1].</param>
/// <param name="Epsilon">ε ≥ 0 added to the variance.</param>
public sealed record BatchNormSpec(double Momentum, double Epsilon) : BijSpec
{
    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!(Momentum >= 0 && Momentum <= 1))
        {
            throw new GenShapeException($"{path}.momentum", $"the momentum must lie in [0, 1], got {Momentum}.");
        }

        if (!(Epsilon >= 0) || double.IsInfinity(Epsilon))
        {
            throw new GenShapeException($"{path}.epsilon", $"epsilon must be non-negative and finite, got {Epsilon}.");
        }
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Module(this, shape.Event[0], shape.Event.Count, shape.Direction);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        budget.Add(path, 2 * (Int128)shape.Event[0]);
        budget.Buffer($"{path}.running", 2 * (Int128)shape.Event[0]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm(momentum: {Momentum.ToString(System.Globalization.CultureInfo.InvariantCulture)}, epsilon: {Epsilon.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private sealed class Module : BijectorModule
    {
        private readonly Parameter logGamma;
        private readonly Parameter beta;
        private readonly torch.Tensor runningMean;
        private readonly torch.Tensor runningVariance;
        private readonly double momentum;
        private readonly double epsilon;
        private readonly int eventRank;
        private readonly NormalisingDirection direction;

        public Module(BatchNormSpec spec, long features, int eventRank, FlowDirection flow) : base("batch_norm")
        {
            this.eventRank = eventRank;
            // The pass towards the base is the one that sees data, so it normalises.
            direction = flow == FlowDirection.DataToBase ? NormalisingDirection.Forward : NormalisingDirection.Inverse;
            momentum = spec.Momentum;
            epsilon = spec.Epsilon;
            logGamma = new Parameter(torch.zeros(features));
            beta = new Parameter(torch.zeros(features));
            runningMean = torch.zeros(features);
            runningVariance = torch.ones(features);
            register_parameter(nameof(logGamma), logGamma);
            register_parameter(nameof(beta), beta);
            register_buffer(nameof(runningMean), runningMean);
            register_buffer(nameof(runningVariance), runningVariance);
        }

        // The module's own training flag (train() / eval()) picks batch statistics or running averages.
        public override IBijector Build(torch.Tensor? context) =>
            new Gen.Probability.Bijectors.BatchNorm(logGamma, beta, runningMean, runningVariance, eventRank, training, momentum, epsilon, direction);
    }
}
