using System;
using System.Diagnostics;
using Gen.Data;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.PixelCnn;

public class PixelCnnTrainingTests
{
    private readonly ITestOutputHelper output;

    public PixelCnnTrainingTests(ITestOutputHelper output) => this.output = output;

    /// <summary>The 8×8 digits binarised at half intensity, [1797, 1, 8, 8], shuffled and split 75/25 with a fixed seed.</summary>
    internal static Split BinaryDigits()
    {
        var pixels = Digits.Load(Device.Cpu).Images;
        var binary = pixels.ge(8).to_type(torch.float32).reshape(-1, 1, 8, 8);
        return DataSplit.Shuffled(binary, 0.25, seed: 0);
    }

    /// <summary>Held-out NLL (nats per image) of independent Bernoulli pixels with their training frequencies (add-one smoothed).</summary>
    internal static double IndependentBernoulliNll(Split split)
    {
        var n = split.Train.shape[0];
        var p = (split.Train.sum(dim: 0) + 1) / (n + 2);
        var lp = (split.Test * p.log()) + ((1 - split.Test) * (1 - p).log());
        return -lp.sum(new long[] { 1, 2, 3 }).mean().ToDouble();
    }

    /// <summary>Trains with Adam on random minibatches; returns the held-out NLL in nats per image.</summary>
    internal static double Train(torch.nn.Module<torch.Tensor, torch.Tensor> model, Split split, int steps, double lr)
    {
        var optimizer = torch.optim.Adam(model.parameters(), lr: lr);
        var noise = Gen.Seed.Generator(0);
        var n = split.Train.shape[0];
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var idx = torch.randint(n, new long[] { 64 }, generator: noise);
            var loss = -model.forward(split.Train.index_select(0, idx)).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        using var noGrad = torch.no_grad();
        return -model.forward(split.Test).mean().ToDouble();
    }

    [Fact]
    public void PixelCnn_learns_binary_digits_better_than_independent_pixels()
    {
        var split = BinaryDigits();
        var baseline = IndependentBernoulliNll(split);
        using var model = Autoregressive.PixelCnn(1, 8, 8).WithFilters(32).WithResidualBlocks(2).Compile(Device.Cpu, seed: 0);
        var clock = Stopwatch.StartNew();
        var nll = Train(model, split, 500, 3e-3);
        output.WriteLine($"PixelCNN held-out NLL {nll:F2} nats, independent pixels {baseline:F2} nats, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(nll < baseline - 5, $"PixelCNN test NLL {nll:F2} nats should beat independent pixels' {baseline:F2} by 5 nats");
    }
}
