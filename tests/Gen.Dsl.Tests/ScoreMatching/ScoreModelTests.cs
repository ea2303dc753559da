using System;
using System.IO;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.ScoreMatching;

/// <summary>The noise-conditional score model as a spec: one network for every level, reading log σ beside the data.</summary>
public sealed class ScoreModelTests
{
    private readonly ITestOutputHelper output;

    public ScoreModelTests(ITestOutputHelper output) => this.output = output;

    // Gaussian data N(0, I): blurred at σ it is N(0, (1 + σ²) I), whose score is −x / (1 + σ²): −0.5x at σ = 1 and
    // −0.94x at σ = 0.25. A score blind to the level, −cx, is off by 31 % at one of them at best (c = 0.65), so errors
    // within 15 % at every level show the network reads the level. (Denoising targets grow noisy at small σ, the noise
    // ε/σ against a signal of about 1: at σ = 0.1 the same training was 19 % off for the MLP, 28 % for the convolutions.)
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trained_by_denoising_it_finds_the_score_of_the_blurred_data_at_every_level(bool images)
    {
        var spec = images
            ? Scores.NoiseConditional(1, 4, 4).WithNetwork(Net.ConvResNet(8, 1).WithActivation(Activation.Silu)).WithLevels(1, 0.25, 3)
            : Scores.NoiseConditional(2).WithNetwork(Net.Mlp(32, 32).WithActivation(Activation.Silu)).WithLevels(1, 0.25, 3);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var shape = new long[] { 16384 }.Concat(model.EventShape).ToArray();
        var data = DeviceRandom.Normal(shape, torch.float64, Device.Cpu, Seed.Generator(1));
        using var g = Seed.Generator(2);
        using var adam = new FusedAdam(model.parameters(), 3e-3);
        new Trainer(model, adam, model.Loss(g), new TrainingOptions { Epochs = 30, BatchSize = 1024, ProgressEvery = 100_000, LearningRate = step => step < 300 ? 3e-3 : 1e-3 }) { Generators = new[] { g } }.Fit(data);

        model.eval();
        using var noGrad = torch.no_grad();
        var x = DeviceRandom.Normal(new long[] { 256 }.Concat(model.EventShape).ToArray(), torch.float64, Device.Cpu, Seed.Generator(3)).clamp(-1.5, 1.5);
        foreach (var sigma in spec.Sigmas)
        {
            var expected = -x / (1 + (sigma * sigma));
            double gap = ((model.Score(x, sigma) - expected).square().mean() / expected.square().mean()).sqrt().item<double>();
            output.WriteLine($"σ = {sigma:G3}: relative RMS error {gap:F4}");
            Assert.True(gap < 0.15, $"σ = {sigma}: relative RMS error {gap}");
        }
    }

    [Fact]
    public void Per_example_levels_score_each_example_at_its_own_level()
    {
        using var model = Scores.NoiseConditional(1, 4, 4).WithNetwork(Net.ConvResNet(4, 1).WithActivation(Activation.Silu)).Compile(Device.Cpu, torch.float64, seed: 1);
        CheckpointsPerturb(model);
        var x = DeviceRandom.Normal(new long[] { 3, 1, 4, 4 }, torch.float64, Device.Cpu, Seed.Generator(1));
        var sigma = torch.tensor(new[] { 1.0, 0.3, 0.05 }, dtype: torch.float64);
        var together = model.Score(x, sigma);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(together[i].allclose(model.Score(x[i..(i + 1)], sigma[i].item<double>())[0], 1e-12, 1e-12));
        }

        Assert.False(together[0].allclose(model.Score(x[..1], 0.05)[0], 1e-3, 1e-3));
        Assert.True(model.forward(x).allclose(model.Score(x, model.Spec.Sigmas[^1])));
    }

    [Fact]
    public void An_image_score_model_samples_writes_reads_and_reloads_with_the_same_scores()
    {
        var spec = Scores.NoiseConditional(1, 4, 4).WithNetwork(Net.ConvResNet(4, 1)).WithLevels(1, 0.1, 4);
        Assert.Equal(spec, SpecJson.FromJson<ScoreSpec>(spec.ToJson()));
        Assert.Contains("\"sigmas\"", spec.ToJson());
        using var model = spec.Compile(Device.Cpu, seed: 3);
        CheckpointsPerturb(model);
        var samples = model.Sample(5, stepsPerLevel: 3, epsilon: 1e-3, generator: Seed.Generator(4));
        Assert.Equal(new long[] { 5, 1, 4, 4 }, samples.shape);
        Assert.True(samples.isfinite().all().item<bool>());
        var path = Path.Combine(Path.GetTempPath(), $"gen-score-{Guid.NewGuid():N}.ckpt");
        try
        {
            Model.Save(path, model);
            using var loaded = Model.Load<ScoreModel>(path, Device.Cpu);
            Assert.Equal(spec, loaded.Spec);
            Assert.True(model.Score(samples, 0.3).eq(loaded.Score(samples, 0.3)).all().item<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_specs_and_inputs_are_refused_naming_the_part()
    {
        var e = Assert.Throws<GenShapeException>(() => Scores.NoiseConditional(1, 8, 8).WithNetwork(Net.ConvEncoder(4)));
        Assert.Equal("score.network", e.Node);
        Assert.Equal("score.sigmas[2]", Assert.Throws<GenShapeException>(() => ScoreSpec.Checked(new ScoreSpec(new ValueList<int>(new[] { 2 }), Net.Mlp(4), new ValueList<double>(new[] { 1.0, 0.5, 0.5 })))).Node);
        Assert.Equal("score.sigmas", Assert.Throws<GenShapeException>(() => Scores.NoiseConditional(2).WithLevels(0.1, 1, 3)).Node);
        Assert.Equal("score.sigmas", Assert.Throws<GenShapeException>(() => ScoreSpec.Checked(new ScoreSpec(new ValueList<int>(new[] { 2 }), Net.Mlp(4), new ValueList<double>(new[] { 1.0, double.NaN })))).Node);
        Assert.Equal("score.data", Assert.Throws<GenShapeException>(() => Scores.NoiseConditional(0)).Node);

        using var model = Scores.NoiseConditional(2).Compile(Device.Cpu, seed: 0);
        Assert.Equal("score.score", Assert.Throws<GenShapeException>(() => model.Score(torch.zeros(4, 3), 0.5)).Node);
        Assert.Equal("score.score", Assert.Throws<GenShapeException>(() => model.Score(torch.zeros(4, 2), torch.ones(3))).Node);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Score(torch.zeros(4, 2), 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(3, low: 1, high: 1));
        Assert.Equal("score.loss", Assert.Throws<GenShapeException>(() => model.Loss()(torch.zeros(4, 5))).Node);
    }

    private static void CheckpointsPerturb(torch.nn.Module model) => Checkpoints.CheckpointModels.Perturb(model, 9);
}
