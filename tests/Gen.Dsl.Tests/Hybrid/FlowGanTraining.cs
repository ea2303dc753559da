using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl.Tests.Hybrid;

/// <summary>
/// Trains a small RealNVP on the eight Gaussians on a ring with a <see cref="Trainer"/>, by likelihood alone or with an
/// <see cref="Adversary"/>, and measures it: held-out log-likelihood, mode coverage (VEEGAN protocol, 2500 samples) and
/// the energy distance of its samples to held-out data.
/// </summary>
internal static class FlowGanTraining
{
    public const ToySet Set = ToySet.EightGaussians;

    public readonly record struct Outcome(
        double HeldOutLogLikelihood, ModeCoverageResult Coverage, double EnergyDistance, double Seconds, TrainingResult Result, torch.Tensor[] Parameters);

    public static FlowSpec RealNvp(int hidden = 64, int couplings = 4) => Flow.Over(Dist.StandardNormal(2))
        .Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(hidden, hidden)))
        .Then(Bij.Reverse())
        .Repeat(couplings);

    public static CriticSpec Critic() => Adversarial.Critic(2).WithNetwork(Net.Mlp(64, 64)).WithSpectralNorm();

    public static (torch.Tensor Train, torch.Tensor HeldOut) Data() =>
        (ToyData.Sample(Set, 4096, Device.Cpu, Seed.Generator(0)), ToyData.Sample(Set, 2048, Device.Cpu, Seed.Generator(1)));

    /// <summary>
    /// Trains; <paramref name="objective"/> null means likelihood alone, without an adversary. <paramref name="seed"/>
    /// shifts every seed of the run (weights, minibatches, the adversary's draws) together.
    /// </summary>
    public static Outcome Run(HybridObjective? objective, int epochs, double learningRate = 2e-3, int batchSize = 256, IProgress<TrainingProgress>? progress = null, int seed = 0)
    {
        var clock = Stopwatch.StartNew();
        var (train, heldOut) = Data();
        using var flow = RealNvp().Compile(Device.Cpu, seed: 10 * seed);
        using var critic = Critic().Compile(Device.Cpu, seed: (10 * seed) + 1);
        using var adam = new FusedAdam(flow.parameters(), learningRate);
        using var adversary = objective is null ? null : new Adversary(flow, critic, objective, criticOptimizer: new FusedAdam(critic.CriticParameters(), learningRate, 0.5, 0.999));
        using var random = Seed.Generator((10 * seed) + 2);
        Func<torch.Tensor, Loss> loss = adversary is null
            ? x => -flow.LogProb(x).mean()
            : x => adversary.ModelLoss(x, b => -flow.LogProb(b).mean(), random);
        var trainer = new Trainer(flow, adam, loss, new TrainingOptions { Epochs = epochs, BatchSize = batchSize, Seed = (10 * seed) + 3, ProgressEvery = 1000 });
        var result = trainer.Fit(train, progress: progress);
        return Measure(flow, heldOut, clock.Elapsed.TotalSeconds, result);
    }

    public static Outcome Measure(FlowModel flow, torch.Tensor heldOut, double seconds, TrainingResult result)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        double logLikelihood = flow.LogProb(heldOut).mean().ToDouble();
        var samples = flow.Sample(2500, Seed.Generator(4));
        var coverage = ModeCoverage.Measure(samples, MixtureModes.Of(Set));
        var parameters = flow.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        return new Outcome(logLikelihood, coverage, EnergyDistance(samples, heldOut), seconds, result, parameters);
    }

    /// <summary>The energy distance 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖ (V-statistics): 0 for equal distributions, positive otherwise.</summary>
    public static double EnergyDistance(torch.Tensor x, torch.Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        var a = x.to(torch.float64);
        var b = y.to(torch.float64);
        return ((2 * torch.cdist(a, b).mean()) - torch.cdist(a, a).mean() - torch.cdist(b, b).mean()).ToDouble();
    }

    /// <summary>Keeps every progress report.</summary>
    public sealed class ProgressLog : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();

        public void Report(TrainingProgress value) => Reports.Add(value);
    }
}
