using System;
using System.Diagnostics;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.Gans;

/// <summary>GANs trained on the eight Gaussians on a ring, scored with the VEEGAN protocol (2500 samples).</summary>
public class GanTrainingTests
{
    private readonly ITestOutputHelper output;

    public GanTrainingTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_non_saturating_GAN_with_a_spectrally_normalised_discriminator_covers_the_ring()
    {
        var spec = Adversarial.Gan(latent: 2, data: 2).Generator(Net.Mlp(64, 64)).Discriminator(Net.Mlp(64, 64)).WithSpectralNorm();
        var outcome = RingTraining.Run(spec, Objective.NonSaturating, steps: 1000, criticSteps: 1, learningRate: 1e-3, beta1: 0.5, beta2: 0.999, seed: 0, batchSize: 128);
        output.WriteLine($"{outcome.Coverage}, per mode [{string.Join(", ", outcome.Coverage.HighQualityPerMode)}], {outcome.Seconds:F1} s ({outcome.CpuSeconds:F1} s CPU)");
        Assert.True(outcome.Coverage.ModesCaptured >= 7, $"captured {outcome.Coverage}");
        // Real data has 98.9 % of its samples within three standard deviations of a centre; an untrained generator has none.
        Assert.True(outcome.Coverage.HighQualityShare >= 0.8, $"captured {outcome.Coverage}");
    }

    [Fact]
    public void A_projection_discriminator_teaches_the_generator_which_mode_each_label_means()
    {
        // The ring with each point labelled by its component.
        var modes = MixtureModes.Of(ToySet.EightGaussians);
        var centres = torch.tensor(modes.Centres.SelectMany(c => c).ToArray()).reshape(8, 2).to(torch.float32);
        var g = Seed.Generator(0);
        var labels = DeviceRandom.Integers(8, new long[] { 16384 }, Device.Cpu, g);
        var pool = centres.index_select(0, labels) + (DeviceRandom.Normal(new long[] { 16384, 2 }, torch.float32, Device.Cpu, g) * modes.StandardDeviation);

        var clock = Stopwatch.StartNew();
        using var model = Adversarial.Gan(2, 2).Generator(Net.Mlp(64, 64)).Discriminator(Net.Mlp(64, 64)).WithSpectralNorm().WithClasses(8).Compile(Device.Cpu, seed: 0);
        model.CheckValues = false;
        using var gOpt = new FusedAdam(model.GeneratorParameters(), 1e-3, 0.5, 0.999);
        using var dOpt = new FusedAdam(model.DiscriminatorParameters(), 1e-3, 0.5, 0.999);
        using var trainer = new GanTrainer(model, Objective.Hinge, 1, gOpt, dOpt);
        GanBatch Next()
        {
            var index = DeviceRandom.Integers(pool.shape[0], new long[] { 128 }, Device.Cpu, g);
            return new GanBatch(pool.index_select(0, index), labels.index_select(0, index));
        }

        for (int step = 0; step < 1000; step++)
        {
            trainer.Step(Next, g);
        }

        model.eval();
        var perClass = Enumerable.Range(0, 8).Select(k =>
        {
            var x = model.SampleGiven(torch.full(new long[] { 250 }, k, torch.int64), Seed.Generator(1));
            var nearest = torch.cdist(x, centres).argmin(1);
            return nearest.eq(k).to(torch.float32).mean().ToDouble();
        }).ToArray();
        output.WriteLine($"share of samples nearest their label's centre: [{string.Join(", ", perClass.Select(s => s.ToString("F2")))}], {clock.Elapsed.TotalSeconds:F1} s");
        // Ignoring the label would put 1/8 of the samples at each centre.
        Assert.All(perClass, share => Assert.True(share >= 0.7, $"per class [{string.Join(", ", perClass)}]"));
    }
}
