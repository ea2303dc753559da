using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>SNGAN's residual generator and discriminator as network nodes.</summary>
public sealed class ResNetGanTests
{
    [Theory]
    [InlineData(28, 2, "[16, 7, 7]")]
    [InlineData(32, 3, "[16, 4, 4]")]
    public void An_sngan_draws_images_of_the_declared_shape_through_its_residual_blocks(int side, int blocks, string first)
    {
        var spec = Adversarial.SnGan(8, 3, side, side, filters: 16);
        var generator = Assert.IsType<ResNetGeneratorSpec>(spec.GeneratorNetwork);
        Assert.Equal(blocks, generator.Blocks);
        var layers = generator.Layers(new[] { 8 }, new[] { 3, side, side });
        Assert.Equal($"input: [8] -> {first}", layers[0].ToString());
        Assert.Equal($"output: [16, {side}, {side}] -> [3, {side}, {side}]", layers[^1].ToString());
        var critic = Assert.IsType<ResNetDiscriminatorSpec>(spec.DiscriminatorNetwork);
        Assert.True(critic.SpectralNormalized);
        Assert.Equal($"block[1]: [16, {side / 2}, {side / 2}] -> [16, {side / 4}, {side / 4}]", critic.Layers(new[] { 3, side, side }, new[] { 1 })[1].ToString());

        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var x = model.Sample(4, Seed.Generator(1));
        Assert.Equal(new long[] { 4, 3, side, side }, x.shape);
        Assert.True(x.abs().max().ToDouble() < 1);
        var logits = model.Discriminate(x);
        Assert.Equal(new long[] { 4 }, logits.shape);
        // Gradients reach every parameter of both players.
        model.Discriminate(model.RSample(4, Seed.Generator(2))).sum().backward();
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
        // Two convolutions per block, a shortcut where the channels change (the first block), and the output layer.
        Assert.Equal((2 * 4) + 1 + 1, model.modules().OfType<SpectralNorm>().Count());
    }

    [Fact]
    public void Sides_the_blocks_cannot_halve_are_refused_at_declaration()
    {
        var e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 30, 30).Generator(Net.ResNetGenerator(8, 2)));
        Assert.Equal("gan.generator", e.Node);
        Assert.Contains("multiples of 4", e.Message);
        Assert.Contains("[1, 30, 30]", e.Message);
        e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(8, 1, 6, 6).Discriminator(Net.ResNetDiscriminator(8, 2, 4)));
        Assert.Equal("gan.discriminator", e.Node);
        Assert.Contains("[1, 6, 6]", e.Message);
        e = Assert.Throws<GenShapeException>(() => Net.ResNetDiscriminator(8, 3, 2));
        Assert.Equal("resnet_discriminator.blocks", e.Node);
    }

    [Fact]
    public void A_conditional_sngan_writes_reads_and_reloads_with_the_same_samples()
    {
        var spec = Adversarial.SnGan(8, 1, 8, 8, filters: 4).WithClasses(3).WithGeneratorAverage(0.99);
        Assert.Equal(spec, SpecJson.FromJson<GanSpec>(spec.ToJson()));
        Assert.Contains("\"resnet_discriminator\"", spec.ToJson());
        using var model = spec.Compile(Device.Cpu, seed: 1);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gen-sngan-{System.Guid.NewGuid():N}.ckpt");
        try
        {
            Model.Save(path, model);
            using var loaded = Model.Load<GanModel>(path, Device.Cpu);
            model.eval();
            loaded.eval();
            var labels = torch.tensor(new long[] { 0, 2 });
            Assert.True(model.SampleGiven(labels, Seed.Generator(4)).eq(loaded.SampleGiven(labels, Seed.Generator(4))).all().item<bool>());
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void Conditional_batch_norms_read_the_label_through_a_shared_embedding()
    {
        var generator = Net.ResNetGenerator(8, 1).WithClasses(3, embedding: 5);
        var spec = Adversarial.Gan(4, 1, 8, 8).WithClasses(3).Generator(generator).Discriminator(Net.ResNetDiscriminator(8, 1, 2));
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 0);
        var names = model.state_dict().Keys.ToArray();
        // The latent alone feeds the first layer; the one-hot label feeds the shared embedding.
        Assert.Equal(new long[] { 8 * 4 * 4, 4 }, model.state_dict()["generator.input.weight"].shape);
        Assert.Equal(new long[] { 5, 3 }, model.state_dict()["generator.embedding.weight"].shape);
        // Three batch norms (two in the block, one before the output), each with its gain and shift from the embedding.
        Assert.Equal(3, names.Count(n => n.StartsWith("generator.condition.", System.StringComparison.Ordinal) && n.EndsWith(".weight", System.StringComparison.Ordinal)));
        Assert.DoesNotContain("generator.last.weight", names);
        model.eval();
        var z = model.Latent(4, Seed.Generator(1));
        var zeros = model.Generate(z, torch.zeros(4, torch.int64));
        var twos = model.Generate(z, torch.full(new long[] { 4 }, 2L, torch.int64));
        Assert.False(zeros.allclose(twos));
        // With every gain and shift map zero, the label no longer matters.
        using (torch.no_grad())
        {
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.StartsWith("generator.condition.", System.StringComparison.Ordinal)))
            {
                p.zero_();
            }
        }

        Assert.True(model.Generate(z, torch.zeros(4, torch.int64)).allclose(model.Generate(z, torch.full(new long[] { 4 }, 2L, torch.int64))));

        // The GAN's classes must be the generator's.
        var e = Assert.Throws<GenShapeException>(() => Adversarial.Gan(4, 1, 8, 8).Generator(generator));
        Assert.Equal("gan.generator", e.Node);
        Assert.Contains("conditioned on 3 classes, but the GAN has 0", e.Message);
        Assert.Throws<GenShapeException>(() => spec.WithClasses(4));
        Assert.Equal(spec, SpecJson.FromJson<GanSpec>(spec.ToJson()));
    }
}
