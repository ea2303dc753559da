using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>The style-based generator (StyleGAN2): mapping network, modulated and demodulated convolutions, noise inputs.</summary>
public sealed class StyleGanTests
{
    [Theory]
    [InlineData(28, 2, "[8, 7, 7]")]
    [InlineData(32, 3, "[8, 4, 4]")]
    public void A_style_gan_draws_images_of_the_declared_shape_and_every_parameter_learns(int side, int blocks, string first)
    {
        var spec = Adversarial.StyleGan(6, 3, side, side, filters: 8);
        var generator = Assert.IsType<StyleGeneratorSpec>(spec.GeneratorNetwork);
        Assert.Equal(blocks, generator.Blocks);
        var layers = generator.Layers(new[] { 6 }, new[] { 3, side, side });
        Assert.Equal("mapping: [6] -> [6]", layers[0].ToString());
        Assert.Equal($"constant: [6] -> {first}", layers[1].ToString());
        Assert.Equal($"output: [8, {side}, {side}] -> [3, {side}, {side}]", layers[^1].ToString());
        Assert.False(generator.DependsOnBatch);

        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var names = model.state_dict().Keys.ToArray();
        // One layer at the first resolution and two at each later one, each with its fixed noise map; one image output per resolution.
        Assert.Equal(1 + (2 * blocks), names.Count(n => n.StartsWith("generator.layers.", StringComparison.Ordinal) && n.EndsWith(".noise", StringComparison.Ordinal)));
        Assert.Equal(1 + blocks, names.Count(n => n.StartsWith("generator.to_image.", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal) && !n.Contains("style", StringComparison.Ordinal)));
        Assert.Equal(4, names.Count(n => n.StartsWith("generator.mapping.", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal)));

        var x = model.Sample(4, Seed.Generator(1));
        Assert.Equal(new long[] { 4, 3, side, side }, x.shape);
        Assert.True(x.isfinite().all().item<bool>());
        model.train();
        model.Discriminate(model.RSample(4, Seed.Generator(2))).sum().backward();
        Assert.All(model.named_parameters(), p => Assert.True(p.parameter.grad is not null, p.name));
    }

    [Fact]
    public void The_mapping_network_sees_only_the_direction_of_the_latent()
    {
        using var model = Adversarial.StyleGan(8, 1, 8, 8, filters: 4).Compile(Device.Cpu, torch.float64, seed: 3);
        model.eval();
        var z = model.Latent(5, Seed.Generator(1));
        // Up to the 1e-8 that keeps the normalisation finite at z = 0.
        double gap = (model.Generate(z) - model.Generate(z * 3.5)).abs().max().ToDouble();
        Assert.True(gap < 1e-6, $"gap {gap}");
        Assert.False(model.Generate(z).allclose(model.Generate(-z), 1e-3, 1e-3));
    }

    [Fact]
    public void Demodulation_makes_a_convolution_deaf_to_the_scale_of_its_style_and_image_outputs_are_not_demodulated()
    {
        using var model = Adversarial.StyleGan(8, 1, 8, 8, filters: 4).Compile(Device.Cpu, torch.float64, seed: 5);
        model.eval();
        var z = model.Latent(5, Seed.Generator(1));
        var before = model.Generate(z);

        // Scaling a demodulated layer's style by 2.5 changes nothing: its output channels are divided by the same norm.
        Scale(model, "generator.layers.1.style.", 2.5);
        double gap = (before - model.Generate(z)).abs().max().ToDouble();
        Assert.True(gap < 1e-9, $"gap {gap}");

        // The image outputs are modulated without demodulation: doubling the last resolution's style doubles its image,
        // which is the whole output less the bias and the up-sampled earlier images, so the output changes.
        Scale(model, "generator.to_image.1.style.", 2);
        var after = model.Generate(z);
        Assert.False(before.allclose(after, 1e-3, 1e-3));
        // Bias, and the earlier images, are unchanged: output(2s) - output(s) = last image(s).
        Scale(model, "generator.to_image.1.style.", 1.5);
        var tripled = model.Generate(z);
        gap = ((tripled - after) - (after - before)).abs().max().ToDouble();
        Assert.True(gap < 1e-9, $"gap {gap}");
    }

    [Fact]
    public void Evaluation_adds_fixed_noise_and_training_draws_it_afresh_from_a_resumable_seeded_stream()
    {
        var spec = Adversarial.StyleGan(8, 1, 8, 8, filters: 4);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 7);
        using (torch.no_grad())
        {
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.EndsWith("noise_strength", StringComparison.Ordinal)))
            {
                p.fill_(0.5);
            }
        }

        var z = model.Latent(3, Seed.Generator(1));
        model.eval();
        Assert.True(model.Generate(z).eq(model.Generate(z)).all().item<bool>());

        model.train();
        var first = model.Generate(z);
        var second = model.Generate(z);
        Assert.False(first.allclose(second, 1e-3, 1e-3));

        // The stream is part of the state: a copy saved now draws the same noise in its next training pass as the model.
        var path = Path.Combine(Path.GetTempPath(), $"gen-stylegan-{Guid.NewGuid():N}.ckpt");
        try
        {
            Model.Save(path, model);
            using var loaded = Model.Load<GanModel>(path, Device.Cpu);
            loaded.train();
            Assert.True(model.Generate(z).allclose(loaded.Generate(z), 0, 0));
        }
        finally
        {
            File.Delete(path);
        }

        // The same seed gives the same stream.
        using var twin = spec.Compile(Device.Cpu, torch.float64, seed: 7);
        Assert.Equal(model.state_dict()["generator.noise_seed"].item<long>(), twin.state_dict()["generator.noise_seed"].item<long>());
    }

    [Fact]
    public void A_conditional_style_generator_reads_the_label_through_the_mapping_network_and_round_trips()
    {
        var spec = Adversarial.StyleGan(6, 1, 8, 8, filters: 4).WithClasses(3)
            .Generator(Net.StyleGenerator(4, 1, styleWidth: 6, mappingLayers: 2).WithClasses(3))
            .WithGeneratorAverage(0.99);
        Assert.Equal(spec, SpecJson.FromJson<GanSpec>(spec.ToJson()));
        Assert.Contains("\"style_generator\"", spec.ToJson());
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        Assert.Equal(new long[] { 6, 3 }, model.state_dict()["generator.embedding.weight"].shape);
        // The mapping's first layer reads the normalised latent and the normalised embedding.
        Assert.Equal(new long[] { 6, 12 }, model.state_dict()["generator.mapping.0.weight"].shape);
        model.eval();
        var z = model.Latent(4, Seed.Generator(1));
        Assert.False(model.Generate(z, torch.zeros(4, torch.int64)).allclose(model.Generate(z, torch.full(new long[] { 4 }, 2L, torch.int64)), 1e-4, 1e-4));

        var e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(4, 1, 8, 8).Generator(Net.StyleGenerator(4, 1).WithClasses(3)));
        Assert.Equal("gan.generator", e.Node);
        Assert.Contains("conditioned on 3 classes, but the GAN has 0", e.Message);
    }

    [Fact]
    public void Sizes_the_generator_cannot_reach_are_refused_at_declaration()
    {
        var e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 30, 30).Generator(Net.StyleGenerator(8, 2)));
        Assert.Equal("gan.generator", e.Node);
        Assert.Contains("multiples of 4", e.Message);
        Assert.Contains("[1, 30, 30]", e.Message);
        Assert.Equal("style_generator.mapping_layers", Assert.Throws<GenShapeException>(() => Net.StyleGenerator(8, 2, mappingLayers: 0)).Node);
        Assert.Equal("style_generator.style_width", Assert.Throws<GenShapeException>(() => Net.StyleGenerator(8, 2, styleWidth: 0)).Node);
        Assert.Equal("style_generator.classes", Assert.Throws<GenShapeException>(() => Net.StyleGenerator(8, 2).WithClasses(1)).Node);
        // A vector GAN cannot take an image generator.
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 16).Generator(Net.StyleGenerator(8, 1)));
        Assert.Contains("image events", e.Message);
    }

    private static void Scale(GanModel model, string prefix, double factor)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, p) in model.named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            p.mul_(factor);
        }
    }
}
