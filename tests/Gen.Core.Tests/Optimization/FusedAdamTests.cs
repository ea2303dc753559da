using System;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gen.Core.Tests.Optimization;

public sealed class FusedAdamTests
{
    // Drawn from the build's own generator (Seed.Building), not the global one: another test thread drawing from the
    // global generator between torch.manual_seed and the layers' construction made two nets of one seed differ.
    internal static Sequential Net(long seed) => Mlp(seed, 3, 5, 2);

    private static Sequential Mlp(long seed, long input, long hidden, long output) =>
        Seed.Building(seed, () =>
        {
            var net = torch.nn.Sequential(
                LayerInitialization.Seeded(torch.nn.Linear(input, hidden)), torch.nn.Tanh(), LayerInitialization.Seeded(torch.nn.Linear(hidden, output)));
            net.to(torch.float64);
            return net;
        });

    private static torch.Tensor Loss(Sequential net, torch.Tensor x) => net.forward(x).square().sum();

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void Matches_torch_adam_step_for_step_in_float64(double weightDecay)
    {
        using var a = Net(1);
        using var b = Net(1);
        TrainsAsTorchAdam(a, b, lr: 0.05, weightDecay, steps: 25, batch: new long[] { 4, 3 }, seed: 3);
    }

    // Trains a with torch.optim.Adam and b (the same network) with FusedAdam on the same batches, then compares.
    private static void TrainsAsTorchAdam(Sequential a, Sequential b, double lr, double weightDecay, int steps, long[] batch, long seed)
    {
        var reference = torch.optim.Adam(a.parameters(), lr: lr, weight_decay: weightDecay);
        using var fused = new FusedAdam(b.parameters(), learningRate: lr, weightDecay: weightDecay);
        using var g = new torch.Generator((ulong)seed);
        for (int step = 0; step < steps; step++)
        {
            var x = torch.randn(batch, dtype: torch.float64, generator: g);
            reference.zero_grad();
            Loss(a, x).backward();
            reference.step();
            fused.ZeroGrad();
            Loss(b, x).backward();
            fused.Step();
        }

        foreach (var (p, q) in a.parameters().Zip(b.parameters()))
        {
            Assert.True(p.allclose(q, rtol: 1e-12, atol: 1e-12), $"max difference {(p - q).abs().max().item<double>()}");
        }
    }

    // On the CPU the buffer is updated in pieces of at most 2^18 elements: a 600x500 weight (300000) is cut into two,
    // and its bias and the next layer's small tensors share one piece, their gradients gathered into it.
    [Fact]
    public void Matches_torch_adam_when_parameters_span_and_share_pieces()
    {
        using var a = Mlp(9, 600, 500, 3);
        using var b = Mlp(9, 600, 500, 3);
        TrainsAsTorchAdam(a, b, lr: 0.01, weightDecay: 0, steps: 4, batch: new long[] { 8, 600 }, seed: 4);
    }

    [Fact]
    public void A_parameter_without_a_gradient_is_left_alone_as_torch_adam_leaves_it()
    {
        using var a = Net(2);
        using var b = Net(2);
        var reference = torch.optim.Adam(a.parameters(), lr: 0.1);
        using var fused = new FusedAdam(b.parameters(), learningRate: 0.1);
        using var g = new torch.Generator(5);
        for (int step = 0; step < 12; step++)
        {
            var x = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
            // Every third step only the first layer is in the loss, so the second layer gets no gradient.
            Func<Sequential, torch.Tensor> loss = step % 3 == 2
                ? net => ((Linear)net[0]).forward(x).square().sum()
                : net => Loss(net, x);
            foreach (var p in a.parameters())
            {
                p.grad = null; // as torch.optim.Adam.zero_grad() does in PyTorch 2 (TorchSharp's zeroes in place instead)
            }

            loss(a).backward();
            reference.step();
            fused.ZeroGrad();
            loss(b).backward();
            fused.Step();
        }

        foreach (var (p, q) in a.parameters().Zip(b.parameters()))
        {
            Assert.True(p.allclose(q, rtol: 1e-12, atol: 1e-12));
        }
    }

    [Fact]
    public void Parameters_keep_their_values_and_shapes_when_gathered()
    {
        using var net = Net(4);
        var before = net.parameters().Select(p => p.detach().clone()).ToArray();
        using var fused = new FusedAdam(net.parameters());
        foreach (var (p, q) in net.parameters().Zip(before))
        {
            Assert.Equal(q.shape, p.shape);
            Assert.True(p.allclose(q, 0, 0));
            Assert.True(p.requires_grad);
        }
    }

    [Fact]
    public void Moving_the_model_after_creating_the_optimizer_is_reported()
    {
        using var net = Net(6);
        using var fused = new FusedAdam(net.parameters());
        net.to(torch.float32);
        Loss(net, torch.randn(2, 3)).backward();
        var e = Assert.Throws<InvalidOperationException>(() => fused.Step());
        Assert.Contains("after the optimizer was created", e.Message);
    }

    [Fact]
    public void An_optimizer_whose_parameters_a_later_one_took_over_refuses_to_step()
    {
        // The later optimizer moves the parameters into its own buffer at the same offsets; stepping the first would
        // update a buffer the model no longer reads, silently.
        using var net = Net(7);
        using var first = new FusedAdam(net.parameters());
        using var second = new FusedAdam(net.parameters());
        Loss(net, torch.randn(new long[] { 2, 3 }, dtype: torch.float64)).backward();
        var e = Assert.Throws<InvalidOperationException>(() => first.Step());
        Assert.Contains("now belongs to another FusedAdam", e.Message);
        var before = net.parameters().Select(p => p.detach().clone()).ToArray();
        second.Step();
        Assert.All(net.parameters().Zip(before), p => Assert.False(p.First.allclose(p.Second, 0, 0)));

        // A later optimizer over a leading run of the parameters takes over those only.
        using var net2 = Net(8);
        using var all = new FusedAdam(net2.parameters());
        using var part = new FusedAdam(net2.parameters().Take(2));
        Loss(net2, torch.randn(new long[] { 2, 3 }, dtype: torch.float64)).backward();
        Assert.Contains("parameter 0", Assert.Throws<InvalidOperationException>(() => all.Step()).Message);
        part.Step();
    }

    [Fact]
    public void Bad_hyper_parameters_and_duplicates_are_named()
    {
        using var net = Net(7);
        var e = Assert.Throws<ArgumentException>(() => new FusedAdam(net.parameters(), beta2: 1.0));
        Assert.Contains("beta2", e.Message);
        var twice = net.parameters().Concat(net.parameters().Take(1));
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new FusedAdam(twice)).Message);

        // A schedule that goes wrong is stopped where it sets the rate, not steps later as NaN weights.
        using var adam = new FusedAdam(net.parameters());
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => adam.LearningRate = double.NaN).Message);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => adam.LearningRate = -1e-3).Message);
        adam.LearningRate = 0;
    }
}
