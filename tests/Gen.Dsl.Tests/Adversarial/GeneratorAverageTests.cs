using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>The moving average of a generator's weights and the truncation trick.</summary>
public sealed class GeneratorAverageTests
{
    [Fact]
    public void The_average_starts_at_the_generator_and_moves_towards_it_with_a_warmed_up_decay()
    {
        var spec = Adversarial.DcGan(4, 1, 8, 8, filters: 4).WithGeneratorAverage(0.75);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var state = model.state_dict();
        var generated = state.Keys.Where(k => k.StartsWith("generator.", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(generated);
        foreach (var key in generated)
        {
            Assert.True(state[key].eq(state["average.network." + key["generator.".Length..]]).all().item<bool>(), key);
        }

        // The average is not trained: its parameters take no gradient and are not the generator's.
        Assert.DoesNotContain(model.GeneratorParameters(), p => NameOf(p).StartsWith("average.", StringComparison.Ordinal));
        Assert.All(model.named_parameters().Where(p => p.name.StartsWith("average.", StringComparison.Ordinal)), p => Assert.False(p.parameter.requires_grad));
        Assert.Equal(0L, state["average.updates"].item<long>());

        var weight = state["generator.deconv.0.weight"];
        var mean = state["average.network.deconv.0.weight"];
        void Shift()
        {
            using var noGrad = torch.no_grad();
            weight.add_(1.0);
        }

        // The first update uses β_0 = min(0.75, 1/10): the average moves nine tenths of the way.
        var before = mean.clone();
        Shift();
        model.AfterOptimizerStep();
        Assert.True(mean.allclose(before + 0.9, rtol: 0, atol: 1e-12));
        // After t updates β_t = min(0.75, (1 + t)/(10 + t)), which reaches 0.75 at t = 26.
        for (int t = 1; t < 30; t++)
        {
            model.AfterOptimizerStep();
        }

        Assert.True(mean.allclose(weight, rtol: 0, atol: 1e-3));
        before = mean.clone();
        Shift();
        model.AfterOptimizerStep();
        Assert.True(mean.allclose(before + 0.25, rtol: 0, atol: 1e-3));
        Assert.Equal(31L, state["average.updates"].item<long>());
        string NameOf(TorchSharp.Modules.Parameter p) => model.named_parameters().First(n => ReferenceEquals(n.parameter, p)).name;
    }

    [Fact]
    public void Samples_come_from_the_average_and_training_moves_it()
    {
        var spec = Adversarial.Gan(2, 2).Generator(Net.Mlp(16)).Discriminator(Net.Mlp(16)).WithGeneratorAverage(0.9);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        using var trainer = new GanTrainer(model, Objective.NonSaturating);
        var g = Seed.Generator(1);
        var pool = ToyData.Sample(ToySet.EightGaussians, 512, Device.Cpu, Seed.Generator(0)).to(torch.float64);
        var start = model.state_dict()["average.network.output.weight"].clone();
        for (int i = 0; i < 5; i++)
        {
            trainer.Step(() => new GanBatch(pool.index_select(0, DeviceRandom.Integers(512, new long[] { 32 }, Device.Cpu, g))), g);
        }

        var averaged = model.state_dict()["average.network.output.weight"];
        var trained = model.state_dict()["generator.output.weight"];
        Assert.False(averaged.allclose(start));
        Assert.False(averaged.allclose(trained));
        var z = model.Latent(7, Seed.Generator(3));
        Assert.True(model.Sample(7, Seed.Generator(3)).allclose(model.GenerateAveraged(z)));
        Assert.False(model.Sample(7, Seed.Generator(3)).allclose(model.Generate(z)));

        // The same without an average: samples are the generator's.
        using var plain = Adversarial.Gan(2, 2).Compile(Device.Cpu, torch.float64, seed: 0);
        var w = plain.Latent(7, Seed.Generator(3));
        Assert.True(plain.Sample(7, Seed.Generator(3)).allclose(plain.Generate(w)));
        Assert.DoesNotContain(plain.state_dict().Keys, k => k.StartsWith("average.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_average_is_written_saved_and_loaded_and_a_bad_decay_is_refused()
    {
        var spec = Adversarial.DcGan(4, 1, 8, 8, filters: 4).WithGeneratorAverage(0.999).WithClasses(2);
        Assert.Equal(spec, SpecJson.FromJson<GanSpec>(spec.ToJson()));
        Assert.Contains("\"generator_average\": 0.999", spec.ToJson());
        foreach (var decay in new[] { 0.0, 1.0, -0.5, double.NaN })
        {
            var e = Assert.Throws<GenShapeException>(() => spec.WithGeneratorAverage(decay));
            Assert.Equal("gan.generator_average", e.Node);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(8.0)]
    public void Truncated_latents_stay_inside_the_threshold_with_the_truncated_normals_variance(double threshold)
    {
        using var model = Adversarial.Gan(4, 2).Compile(Device.Cpu, torch.float64, seed: 0);
        var z = model.TruncatedLatent(50_000, threshold, Seed.Generator(5));
        Assert.Equal(new long[] { 50_000, 4 }, z.shape);
        Assert.True(z.abs().max().ToDouble() <= threshold);
        // Var = 1 − 2·t·φ(t) / (2Φ(t) − 1) for the standard normal truncated to [−t, t].
        double phi = Math.Exp(-threshold * threshold / 2) / Math.Sqrt(2 * Math.PI);
        double mass = torch.special.erf(torch.tensor(threshold / Math.Sqrt(2), torch.float64)).ToDouble();
        double variance = 1 - (2 * threshold * phi / mass);
        double standardError = variance * Math.Sqrt(2.0 / 200_000);
        Assert.True(Math.Abs(z.var().ToDouble() - variance) < 5 * standardError + 1e-12, $"variance {z.var().ToDouble()} against {variance}");
        Assert.True(Math.Abs(z.mean().ToDouble()) < 5 * Math.Sqrt(variance / 200_000));
        Assert.True(model.TruncatedLatent(10, threshold, Seed.Generator(6)).allclose(model.TruncatedLatent(10, threshold, Seed.Generator(6))));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TruncatedLatent(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TruncatedLatent(3, double.PositiveInfinity));
    }

    [Fact]
    public void Truncated_samples_of_a_conditional_gan_follow_their_labels()
    {
        using var model = Adversarial.DcGan(4, 1, 8, 8, filters: 4).WithClasses(3).Compile(Device.Cpu, torch.float64, seed: 0);
        model.eval();
        var labels = torch.tensor(new long[] { 0, 2, 1 });
        var x = model.SampleGivenTruncated(labels, 0.5, Seed.Generator(2));
        Assert.True(x.allclose(model.GenerateAveraged(model.TruncatedLatent(3, 0.5, Seed.Generator(2)), labels)));
        Assert.Throws<ArgumentException>(() => model.SampleTruncated(3, 0.5));
    }
}
