using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>
/// MADE samples by computing each hidden unit once, when the features it reads are drawn; it must give the conditionals
/// and the draws of plain ancestral sampling, which recomputes the whole network for every feature.
/// </summary>
public class MadeSamplingTests
{
    public static IEnumerable<object[]> Specs() => new[]
    {
        new object[] { "one layer", Autoregressive.Made(24, 40) },
        new object[] { "two layers, random order and degrees", Autoregressive.Made(24, 32, 48).WithOrder(InputOrder.Random(3)).WithDegrees(HiddenDegrees.Random(4)) },
        new object[] { "three layers, tanh, more units than features", Autoregressive.Made(10, 64, 16, 64).WithActivation(Activation.Tanh) },
        new object[] { "direct connections, random order", Autoregressive.Made(24, 16).WithOrder(InputOrder.Random(5)).WithDirectConnections() },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void The_incremental_sampler_draws_what_full_passes_draw(string name, MadeSpec spec)
    {
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        Perturb(model);
        var fast = model.Sample(200, Seed.Generator(5));
        var slow = model.SampleByFullPasses(200, Seed.Generator(5));
        Assert.True(fast.equal(slow).all().item<bool>(), $"{name}: the draws differ");
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_conditional_it_draws_from_is_the_full_networks_to_float32_rounding(string name, MadeSpec spec)
    {
        using var model = spec.Compile(Device.Cpu, seed: 2);
        Perturb(model);
        var used = new torch.Tensor[spec.Features];
        var samples = model.Network.SampleIncrementally(300, null, (feature, logits) =>
        {
            used[feature] = torch.sigmoid(logits.squeeze(-1)).clone();
            used[feature].DetachFromDisposeScope(); // the sampler's scope would free it
            return torch.bernoulli(used[feature], Seed.Generator(feature));
        }, model.Network.Layers[0].Weight);
        var full = torch.sigmoid(model.Logits(samples));
        var drawnFrom = torch.stack(used, 1);
        var gap = (drawnFrom - full).abs().max().item<float>();
        Assert.True(gap <= 1e-5, $"{name}: a conditional differs by {gap}");
    }

    [Fact]
    public void A_conditional_network_reads_its_context_in_every_step()
    {
        using var made = Autoregressive.Made(6, 16, 16).WithOutputsPerFeature(2).WithContext(3).CompileNetwork(Device.Cpu, torch.float64, seed: 3);
        var context = DeviceRandom.Normal(new long[] { 50, 3 }, torch.float64, Device.Cpu, Seed.Generator(4));
        var noise = DeviceRandom.Normal(new long[] { 50, 6 }, torch.float64, Device.Cpu, Seed.Generator(5));
        // A Gaussian conditional: mean and log-scale from the two outputs, driven by fixed noise.
        torch.Tensor Draw(long feature, torch.Tensor outputs) => outputs.select(-1, 0) + (outputs.select(-1, 1).exp() * noise.select(1, feature));
        var fast = made.SampleIncrementally(50, context, Draw, noise);

        var slow = torch.zeros(50, 6, dtype: torch.float64);
        foreach (var feature in made.Order)
        {
            var outputs = made.Forward(slow, context).select(1, feature);
            slow.select(1, feature).copy_(Draw(feature, outputs));
        }

        Assert.True(fast.allclose(slow, 1e-12, 1e-12));
    }

    // Random weights and biases, so that every conditional is far from the fresh network's.
    private static void Perturb(MadeModel model)
    {
        using var noGrad = torch.no_grad();
        var g = Seed.Generator(9);
        foreach (var p in model.parameters())
        {
            p.copy_(DeviceRandom.Normal(p.shape, p.dtype, p.device, g) * 0.5);
        }
    }
}
