using System;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.ScoreMatching;

/// <summary>A noise-conditional score network on the ring of eight Gaussians, sampled by annealed Langevin dynamics.</summary>
public class NoiseConditionalScoreTests
{
    private readonly ITestOutputHelper output;

    public NoiseConditionalScoreTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_score_network_trained_over_noise_levels_samples_the_ring()
    {
        var data = ToyData.Sample(ToySet.EightGaussians, 4096, Device.Cpu, Seed.Generator(0));
        var sigmas = AnnealedLangevin.Geometric(2.0, 0.05, 10);
        using var net = Seed.Building(0, () => Net.Mlp(128, 128).WithActivation(Activation.Silu).Build(new long[] { 3 }, new long[] { 2 }));
        // s(x, σ) = net([x, log σ]) / σ: the network sees the level, and the division gives the score its 1/σ scale.
        torch.Tensor Score(torch.Tensor x, torch.Tensor sigma) =>
            net.forward(torch.cat(new[] { x, sigma.log().unsqueeze(-1).expand(x.shape[0], 1) }, -1)) / sigma.unsqueeze(-1);

        using var g = Seed.Generator(1);
        using var adam = new FusedAdam(net.parameters(), 2e-3);
        var trainer = new Trainer(net, adam, ScoreObjective.NoiseConditional(Score, sigmas, g), new TrainingOptions { Epochs = 30, BatchSize = 128, ProgressEvery = 10_000 });
        var result = trainer.Fit(data);

        net.eval();
        var start = (DeviceRandom.Uniform(new long[] { 2000, 2 }, torch.float32, Device.Cpu, Seed.Generator(2)) * 8) - 4;
        var samples = new AnnealedLangevin(sigmas, 100, 5e-4).Run((x, sigma) => Score(x, torch.full(new long[] { x.shape[0] }, sigma, dtype: x.dtype)), start, Seed.Generator(3));
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
