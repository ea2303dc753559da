using System;
using System.IO;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gen.Core.Tests.Optimization;

/// <summary>Builds its networks from the global generator, so it runs alone, after the tests that seed it themselves.</summary>
[Collection(GlobalGeneratorCollection.Name)]
public sealed class FusedAdamStateTests
{
    private static void Train(Sequential net, FusedAdam adam, torch.Generator g, int steps, bool skipLastLayerOnce)
    {
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
            adam.ZeroGrad();
            net.forward(x).square().sum().backward();
            if (skipLastLayerOnce && step == 1)
            {
                // One step without a gradient for the last layer: its step counts fall behind the others'.
                foreach (var p in net.parameters().Skip(2))
                {
                    p.grad = null;
                }
            }

            adam.Step();
        }
    }

    [Fact]
    public void Training_resumed_from_saved_state_continues_bit_for_bit()
    {
        using var a = FusedAdamTests.Net(1);
        using var adam = new FusedAdam(a.parameters(), learningRate: 0.05, beta1: 0.8, weightDecay: 0.01);
        using var g = new torch.Generator(3);
        Train(a, adam, g, 4, skipLastLayerOnce: true);
        adam.LearningRate = 0.02; // a schedule's current rate is part of the state
        using var saved = new MemoryStream();
        adam.Save(saved);
        var weights = a.parameters().Select(p => p.detach().clone()).ToArray();
        var randomState = g.get_state();

        Train(a, adam, g, 5, skipLastLayerOnce: false);

        using var b = FusedAdamTests.Net(2);
        using (torch.no_grad())
        {
            foreach (var (p, w) in b.parameters().Zip(weights))
            {
                p.copy_(w);
            }
        }

        saved.Position = 0;
        using var resumed = FusedAdam.Load(saved, b.parameters());
        Assert.Equal((0.02, 0.8, 0.999, 1e-8, 0.01), (resumed.LearningRate, resumed.Beta1, resumed.Beta2, resumed.Epsilon, resumed.WeightDecay));
        g.set_state(randomState);
        Train(b, resumed, g, 5, skipLastLayerOnce: false);
        foreach (var (p, q) in a.parameters().Zip(b.parameters()))
        {
            Assert.True(p.eq(q).all().item<bool>(), $"max difference {(p - q).abs().max().item<double>()}");
        }
    }

    [Fact]
    public void Saved_state_that_does_not_fit_the_parameters_is_refused_with_the_reason()
    {
        using var net = FusedAdamTests.Net(1);
        using var adam = new FusedAdam(net.parameters());
        using var saved = new MemoryStream();
        adam.Save(saved);

        saved.Position = 0;
        var few = Assert.Throws<ArgumentException>(() => FusedAdam.Load(saved, net.parameters().Take(3)));
        Assert.Contains("for 4 parameters, but 3 were given", few.Message, StringComparison.Ordinal);

        saved.Position = 0;
        var swapped = Assert.Throws<ArgumentException>(() => FusedAdam.Load(saved, net.parameters().Reverse()));
        Assert.Contains("parameter 0 is for Float64 [5, 3], but that parameter is Float64 [2]", swapped.Message, StringComparison.Ordinal);

        var cut = new MemoryStream(saved.ToArray()[..60]);
        Assert.Throws<InvalidDataException>(() => FusedAdam.Load(cut, net.parameters()));
        Assert.Throws<InvalidDataException>(() => FusedAdam.Load(new MemoryStream(new byte[64]), net.parameters()));

        // A damaged rank field (after the tag, version, five hyper-parameters, the count and the first dtype).
        var damaged = saved.ToArray();
        BitConverter.GetBytes(-1).CopyTo(damaged, 4 + 4 + (5 * 8) + 4 + 4);
        Assert.Contains("rank -1", Assert.Throws<InvalidDataException>(() => FusedAdam.Load(new MemoryStream(damaged), net.parameters())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_are_listed_in_the_order_given()
    {
        using var net = FusedAdamTests.Net(1);
        var given = net.parameters().Reverse().ToArray();
        using var adam = new FusedAdam(given);
        Assert.Equal(given.Select(p => p.Handle), adam.Parameters.Select(p => p.Handle));
    }
}

/// <summary>Tests that seed or draw from TorchSharp's global generator and must not interleave with others that do.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Global generator (optimizer state)";
}
