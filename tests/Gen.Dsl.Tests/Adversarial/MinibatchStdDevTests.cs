using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>The residual discriminator's minibatch standard deviation layer (ProGAN, StyleGAN2).</summary>
public sealed class MinibatchStdDevTests
{
    // Which examples' outputs move when example `changed` of a batch of `batch` moves: autograd of each output.
    private static bool[] Coupled(int group, int batch, int changed)
    {
        var spec = Net.ResNetDiscriminator(4, 1, 2).WithMinibatchStdDev(group);
        var network = spec.Build(new long[] { 1, 8, 8 }, new long[] { 1 });
        network.to(torch.float64);
        var x = torch.randn(new long[] { batch, 1, 8, 8 }, dtype: torch.float64, generator: Seed.Generator(3)).requires_grad_(true);
        var y = network.call(x);
        Assert.Equal(new long[] { batch, 1 }, y.shape);
        return Enumerable.Range(0, batch).Select(i =>
        {
            var grad = torch.autograd.grad(new[] { y[i].sum() }, new[] { x }, retain_graph: true)[0];
            return grad[changed].abs().sum().ToDouble() > 0;
        }).ToArray();
    }

    [Fact]
    public void An_output_depends_on_the_examples_of_its_group_and_no_others()
    {
        // Groups of 2 in a batch of 6 are {0, 3}, {1, 4}, {2, 5}: example i with i + n/g, as StyleGAN2 groups them.
        Assert.Equal(new[] { true, false, false, true, false, false }, Coupled(2, 6, 0));
        Assert.Equal(new[] { false, true, false, false, true, false }, Coupled(2, 6, 4));
        // A group of 4 does not divide 6: the largest size below it that does (3) is taken.
        Assert.Equal(new[] { true, false, true, false, true, false }, Coupled(4, 6, 2));
        // A batch of one is its own group: nothing else to depend on, and no failure.
        Assert.Equal(new[] { true }, Coupled(4, 1, 0));
    }

    [Fact]
    public void The_added_channel_is_the_groups_mean_standard_deviation()
    {
        // Identical examples have no spread, so the discriminator's output for them cannot tell their group's size
        // apart; examples that differ give the same network a different output once the layer is there.
        var spec = Net.ResNetDiscriminator(4, 1, 2).WithMinibatchStdDev(2);
        var network = spec.Build(new long[] { 1, 8, 8 }, new long[] { 1 });
        network.to(torch.float64);
        var one = torch.randn(new long[] { 1, 1, 8, 8 }, dtype: torch.float64, generator: Seed.Generator(5));
        var same = network.call(one.expand(4, 1, 8, 8).contiguous());
        Assert.True((same - same[0]).abs().max().ToDouble() < 1e-12, "identical examples get identical outputs");
        var other = torch.randn(new long[] { 1, 1, 8, 8 }, dtype: torch.float64, generator: Seed.Generator(6));
        var mixed = network.call(torch.cat(new[] { one, one, other, other }, 0)); // groups {0, 2}, {1, 3} hold one and other
        var alone = network.call(torch.cat(new[] { one, other }, 0).repeat(2, 1, 1, 1)); // groups {0, 2}, {1, 3} hold copies
        Assert.True((mixed[0] - alone[0]).abs().ToDouble() > 1e-6, "the spread of a group reaches its outputs");
    }

    [Fact]
    public void Group_sizes_outside_2_to_256_are_refused_and_the_layer_round_trips_through_json()
    {
        var e = Assert.Throws<GenShapeException>(() => Net.ResNetDiscriminator(8, 1, 2).WithMinibatchStdDev(1));
        Assert.Equal("resnet_discriminator.minibatch_group", e.Node);
        Assert.Contains("got 1", e.Message);
        Assert.Throws<GenShapeException>(() => Net.ResNetDiscriminator(8, 1, 2).WithMinibatchStdDev(257));

        var spec = Adversarial.StyleGan(8, 1, 8, 8, filters: 4).Discriminator(Net.ResNetDiscriminator(4, 1, 2).WithMinibatchStdDev(4));
        Assert.Equal(spec, SpecJson.FromJson<GanSpec>(spec.ToJson()));
        Assert.Contains("\"minibatch_group\": 4", spec.ToJson());
        Assert.Contains("minibatch_stddev: [4, 4, 4] -> [5, 4, 4]", string.Join("\n", spec.DiscriminatorNetwork.Layers(new[] { 1, 8, 8 }, new[] { 1 })));
    }

    [Fact]
    public void R1_is_taken_through_the_layer_as_StyleGAN2_takes_it()
    {
        var spec = Adversarial.StyleGan(8, 1, 8, 8, filters: 4).Discriminator(Net.ResNetDiscriminator(4, 1, 2).WithMinibatchStdDev(4));
        Assert.False(spec.DiscriminatorNetwork.DependsOnBatch);
        using var model = spec.Compile(Device.Cpu, seed: 0);
        using var generatorOptimizer = new Gen.Optimization.FusedAdam(model.GeneratorParameters(), 1e-3, 0, 0.99);
        using var discriminatorOptimizer = new Gen.Optimization.FusedAdam(model.DiscriminatorParameters(), 1e-3, 0, 0.99);
        using var trainer = new GanTrainer(model, Objective.NonSaturating + (10 * Penalty.R1), 1, generatorOptimizer, discriminatorOptimizer);
        var data = (torch.rand(new long[] { 8, 1, 8, 8 }, generator: Seed.Generator(1)) * 2) - 1;
        var result = trainer.Step(() => new GanBatch(data, null), Seed.Generator(2));
        Assert.True(double.IsFinite(result.DiscriminatorLoss) && double.IsFinite(result.GeneratorLoss));
    }
}
