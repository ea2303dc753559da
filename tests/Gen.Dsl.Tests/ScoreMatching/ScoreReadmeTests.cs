using System.Linq;
using Gen.Data;
using Gen.Dsl.Tests.Readme;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ScoreMatching;

/// <summary>The score model snippet of src/Gen.Dsl/README.md, verbatim between the markers, runs.</summary>
public sealed class ScoreReadmeTests
{
    [Fact]
    public void The_snippet_runs_and_samples_the_ring()
    {
        using var scope = torch.NewDisposeScope();
        // README:begin
        // One score network for every noise level, over the data with log σ beside it.
        var ring = Scores.NoiseConditional(2).WithLevels(2.0, 0.05, 10);   // MLP 128-128 (SiLU) over [x, log σ]
        var digits = Scores.NoiseConditional(1, 28, 28)                     // a ConvResNet over [x, log σ] as channels
            .WithNetwork(Net.ConvResNet(128, 8).WithActivation(Activation.Silu));

        using var model = ring.Compile(Device.Cpu, seed: 0);
        using var noise = Seed.Generator(1);
        using var adam = new FusedAdam(model.parameters(), 2e-3);
        var data = ToyData.Sample(ToySet.EightGaussians, 4096, Device.Cpu, Seed.Generator(0));
        var trainer = new Trainer(model, adam, model.Loss(noise),          // denoising score matching over the levels
            new TrainingOptions { Epochs = 30, BatchSize = 128 }) { Generators = new[] { noise } };
        trainer.Fit(data);
        model.eval();
        var samples = model.Sample(2000, stepsPerLevel: 100, epsilon: 5e-4, low: -4, high: 4);   // annealed Langevin
        var score = model.Score(samples, 0.5);                              // s(x, σ) at any level
        // README:end
        Assert.Equal(new long[] { 2000, 2 }, score.shape);
        Assert.Equal(new long[] { 2, 28, 28 }, digits.Network.Layers(new[] { 2, 28, 28 }, new[] { 1, 28, 28 })[0].Input.ToArray());
        Assert.True(ModeCoverage.Measure(samples, MixtureModes.Of(ToySet.EightGaussians)).ModesCaptured >= 7);
    }

    [Fact]
    public void The_README_shows_the_tested_snippet()
    {
        var tested = ReadmeSnippetTests.Marked("tests/Gen.Dsl.Tests/ScoreMatching/ScoreReadmeTests.cs");
        Assert.Equal(tested, ReadmeSnippetTests.BlockStartingWith("src/Gen.Dsl/README.md", "// One score network for every"));
    }
}
