using System;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.ScoreMatching;

/// <summary>A noise-conditional score model on the ring of eight Gaussians, sampled by annealed Langevin dynamics.</summary>
public class NoiseConditionalScoreTests
{
    private readonly ITestOutputHelper output;

    public NoiseConditionalScoreTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_score_model_trained_over_noise_levels_samples_the_ring()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 4096, Device.Cpu, Seed.Generator(0));
        using var model = Scores.NoiseConditional(2).WithLevels(2.0, 0.05, 10).Compile(Device.Cpu, seed: 0);
        using var g = Seed.Generator(1);
        using var adam = new FusedAdam(model.parameters(), 2e-3);
        var trainer = new Trainer(model, adam, model.Loss(g), new TrainingOptions { Epochs = 30, BatchSize = 128, ProgressEvery = 10_000 }) { Generators = new[] { g } };
        var result = trainer.Fit(data);

        model.eval();
        var samples = model.Sample(2000, stepsPerLevel: 100, epsilon: 5e-4, low: -4, high: 4, generator: Seed.Generator(2));
        var coverage = ModeCoverage.Measure(samples, MixtureModes.Of(ToySet.EightGaussians));
        output.WriteLine($"{result.Steps} steps; {coverage}");
        Assert.True(coverage.ModesCaptured >= 7, $"{coverage}");
        Assert.True(coverage.HighQualityShare >= 0.7, $"{coverage}");
    }

    [Fact]
    public void Bad_levels_and_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AnnealedLangevin.Geometric(0.1, 1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnnealedLangevin.Geometric(1, 0, 5));
        Assert.Equal(new[] { 1.0, 0.1, 0.01 }, AnnealedLangevin.Geometric(1, 0.01, 3), new ToleranceComparer());
        var levels = AnnealedLangevin.Geometric(1, 0.1, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnnealedLangevin(levels, 0, 0.1).Run((x, _) => x, torch.zeros(2, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnnealedLangevin(levels, 1, -1).Run((x, _) => x, torch.zeros(2, 2)));
        Assert.Throws<GenShapeException>(() => new AnnealedLangevin(levels, 1, 0.1).Run((x, _) => x[.., ..1], torch.zeros(2, 2)));
        var diverged = Assert.Throws<InvalidOperationException>(() => new AnnealedLangevin(levels, 50, 10).Run((x, _) => x * 10, torch.ones(2, 2), Seed.Generator(0)));
        Assert.Contains("noise level 1 of 2", diverged.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreObjective.NoiseConditional((x, _) => x, ValueList<double>.Empty));
    }

    private sealed class ToleranceComparer : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < 1e-12;

        public int GetHashCode(double obj) => 0;
    }
}
