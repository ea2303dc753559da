using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

public class GanModelTests
{
    private static readonly GanSpec Spec = Adversarial.Gan(latent: 3, data: 2).Generator(Net.Mlp(16, 16)).Discriminator(Net.Mlp(8, 8));

    [Fact]
    public void The_model_generates_samples_and_discriminates_them_with_the_specs_shapes()
    {
        using var model = Spec.Compile(Device.Cpu, seed: 0);
        Assert.Equal(new long[] { 5, 3 }, model.Latent(5).shape);
        var x = model.Sample(6, Seed.Generator(1));
        Assert.Equal(new long[] { 6, 2 }, x.shape);
        Assert.False(x.requires_grad);
        Assert.Equal(new long[] { 6 }, model.Discriminate(x).shape);
        var z = model.Latent(4, Seed.Generator(2));
        Assert.True(model.Generate(z).requires_grad);
        Assert.True(model.forward(z).allclose(model.Generate(z), 0, 0));
    }

    [Fact]
    public void Seeds_fix_the_weights_and_the_samples()
    {
        using var a = Spec.WithSpectralNorm().Compile(Device.Cpu, seed: 7);
        using var b = Spec.WithSpectralNorm().Compile(Device.Cpu, seed: 7);
        Assert.All(a.state_dict().Zip(b.state_dict()), p => Assert.True(p.First.Value.allclose(p.Second.Value, 0, 0), p.First.Key));
        Assert.True(a.Sample(10, Seed.Generator(3)).allclose(b.Sample(10, Seed.Generator(3)), 0, 0));
        using var c = Spec.Compile(Device.Cpu, seed: 8);
        Assert.False(a.GeneratorParameters()[0].allclose(c.GeneratorParameters()[0]));
    }

    [Fact]
    public void The_players_parameters_split_the_models_parameters()
    {
        using var model = Spec.WithClasses(3).WithSpectralNorm().Compile(Device.Cpu);
        var generator = model.GeneratorParameters();
        var discriminator = model.DiscriminatorParameters();
        Assert.Equal(model.parameters().Count(), generator.Length + discriminator.Length);
        Assert.Empty(generator.Select(p => p.Handle).Intersect(discriminator.Select(p => p.Handle)));
        // Generator: 3 latents + 3 one-hot classes in, two hidden layers, 2 features out.
        Assert.Equal(new long[] { 16, 6 }, generator[0].shape);
        Assert.Equal((6 * 16) + 16 + (16 * 16) + 16 + (16 * 2) + 2, generator.Sum(p => p.numel()));
    }

    [Fact]
    public void Spectral_norm_wraps_every_linear_map_of_the_discriminator_and_its_state_follows_the_dtype()
    {
        using var model = Spec.WithClasses(4).WithSpectralNorm().Compile(Device.Cpu, torch.float64, seed: 0);
        var keys = model.state_dict().Keys.ToArray();
        foreach (var layer in new[] { "discriminator.body.linear0", "discriminator.body.linear1", "discriminator.head", "discriminator.projection" })
        {
            Assert.Contains($"{layer}.layer.weight", keys);
            Assert.Contains($"{layer}.u", keys);
            Assert.Contains($"{layer}.v", keys);
        }

        Assert.DoesNotContain(keys, k => k.StartsWith("generator", StringComparison.Ordinal) && k.EndsWith(".u", StringComparison.Ordinal));
        Assert.All(model.buffers(), b => Assert.Equal(torch.float64, b.dtype));
        Assert.Equal(new[] { "discriminator.body.linear0.layer.weight", "discriminator.body.linear0.layer.bias" }, model.named_parameters().Select(p => p.name).Where(n => n.Contains("linear0", StringComparison.Ordinal) && n.StartsWith("discriminator", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void A_projection_discriminator_adds_the_inner_product_of_the_label_embedding_and_the_features()
    {
        using var model = Spec.WithClasses(3).Compile(Device.Cpu, torch.float64, seed: 1);
        var x = torch.randn(new long[] { 5, 2 }, torch.float64, generator: Seed.Generator(0));
        var labels = torch.tensor(new long[] { 0, 1, 2, 1, 0 });
        var state = model.state_dict();
        // φ(x): the body's ReLU features; the head is linear; the projection is V·onehot(y).
        var h = torch.nn.functional.relu(torch.nn.functional.linear(x, state["discriminator.body.linear0.weight"], state["discriminator.body.linear0.bias"]));
        h = torch.nn.functional.relu(torch.nn.functional.linear(h, state["discriminator.body.linear1.weight"], state["discriminator.body.linear1.bias"]));
        var head = torch.nn.functional.linear(h, state["discriminator.head.weight"], state["discriminator.head.bias"]).squeeze(-1);
        var embedding = state["discriminator.projection.weight"].t().index_select(0, labels);
        Assert.True(model.Discriminate(x, labels).allclose(head + (embedding * h).sum(1), 1e-12, 1e-12));

        var samples = model.SampleGiven(labels, Seed.Generator(1));
        Assert.Equal(new long[] { 5, 2 }, samples.shape);
    }

    [Fact]
    public void The_discriminators_layers_outlive_the_containers_they_were_built_in()
    {
        // The discriminator reuses the layers of the MLP it builds; collecting that MLP's container must not free them.
        using var model = Spec.WithClasses(2).WithSpectralNorm().Compile(Device.Cpu, seed: 0);
        var x = torch.randn(new long[] { 4, 2 }, generator: Seed.Generator(0));
        var labels = torch.tensor(new long[] { 0, 1, 1, 0 });
        model.eval();
        var before = model.Discriminate(x, labels);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.True(model.Discriminate(x, labels).allclose(before, 0, 0));
        Assert.All(model.DiscriminatorParameters(), p => Assert.False(p.IsInvalid));
    }

    [Fact]
    public void Bad_inputs_and_specs_are_rejected_with_the_node_named()
    {
        using var model = Spec.Compile(Device.Cpu);
        Assert.Contains("gan.samples", Assert.Throws<GenShapeException>(() => model.Discriminate(torch.zeros(4, 3))).Message);
        Assert.Contains("gan.latents", Assert.Throws<GenShapeException>(() => model.Generate(torch.zeros(4, 2))).Message);
        Assert.Throws<ArgumentException>(() => model.Discriminate(torch.zeros(4, 2, torch.float64)));
        Assert.Throws<ArgumentException>(() => model.Discriminate(torch.zeros(4, 2), torch.zeros(4, torch.int64)));
        Assert.Throws<ArgumentException>(() => model.SampleGiven(torch.zeros(4, torch.int64)));

        using var conditional = Spec.WithClasses(3).Compile(Device.Cpu);
        Assert.Throws<ArgumentException>(() => conditional.Sample(4));
        Assert.Throws<ArgumentException>(() => conditional.Discriminate(torch.zeros(4, 2)));
        Assert.Throws<ArgumentException>(() => conditional.Discriminate(torch.zeros(4, 2), torch.tensor(new long[] { 0, 1, 2, 3 })));
        Assert.Throws<GenShapeException>(() => conditional.Discriminate(torch.zeros(4, 2), torch.zeros(3, torch.int64)));

        Assert.Contains("gan.latent", Assert.Throws<GenShapeException>(() => Adversarial.Gan(0, 2)).Message);
        Assert.Contains("gan.data", Assert.Throws<GenShapeException>(() => Adversarial.Gan(2, 0)).Message);
        Assert.Throws<GenShapeException>(() => Spec.WithClasses(1));
    }

    [Fact]
    public void Specs_are_values_that_print_as_trees()
    {
        Assert.Equal(Spec.WithSpectralNorm(), Adversarial.Gan(3, 2).Generator(Net.Mlp(16, 16)).Discriminator(Net.Mlp(8, 8)).WithSpectralNorm());
        Assert.NotEqual(Spec, Spec.WithSpectralNorm());
        var text = Spec.WithClasses(10).WithSpectralNorm().ToString();
        Assert.Contains("Gan latent 3 -> data 2, 10 classes (projection discriminator)", text);
        Assert.Contains("generator: Mlp(16, 16; relu)", text);
        Assert.Contains("discriminator: Mlp(8, 8; relu) with spectral norm", text);
    }
}
