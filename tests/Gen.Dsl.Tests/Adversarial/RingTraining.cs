using System;
using System.Diagnostics;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl.Tests.Gans;

/// <summary>Trains a GAN on the eight Gaussians on a ring and measures its mode coverage (VEEGAN protocol, 2500 samples).</summary>
internal static class RingTraining
{
    public readonly record struct Outcome(ModeCoverageResult Coverage, double Seconds, double CpuSeconds, GanStepResult Last);

    public static Outcome Run(GanSpec spec, AdversarialLoss objective, int steps, int criticSteps, double learningRate, double beta1, double beta2, long seed, int batchSize = 256)
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pool = ToyData.Sample(ToySet.EightGaussians, 16384, Device.Cpu, Seed.Generator(seed));
        using var model = spec.Compile(Device.Cpu, seed: seed);
        using var gOpt = new FusedAdam(model.GeneratorParameters(), learningRate, beta1, beta2);
        using var dOpt = new FusedAdam(model.DiscriminatorParameters(), learningRate, beta1, beta2);
        using var trainer = new GanTrainer(model, objective, criticSteps, gOpt, dOpt);
        var random = Seed.Generator(seed + 1);
        GanStepResult last = default;
        for (int step = 0; step < steps; step++)
        {
            last = trainer.Step(() => new GanBatch(pool.index_select(0, DeviceRandom.Integers(pool.shape[0], new long[] { batchSize }, Device.Cpu, random))), random);
        }

        model.eval();
        using var samples = model.Sample(2500, Seed.Generator(seed + 2));
        var coverage = ModeCoverage.Measure(samples, MixtureModes.Of(ToySet.EightGaussians));
        return new Outcome(coverage, clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, last);
    }
}
