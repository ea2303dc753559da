using System;
using System.Collections.Generic;
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

    /// <summary>
    /// The 8×8 digits binarised at half intensity, [1797, 1, 8, 8], and their labels, shuffled and split 75/25 with a
    /// fixed seed (the same permutation for both).
    /// </summary>
    private static (Split Images, Split Labels) BinaryDigits()
    {
        var digits = Digits.Load(Device.Cpu);
        var binary = digits.Images.ge(8).to_type(torch.float32).reshape(-1, 1, 8, 8);
        return (DataSplit.Shuffled(binary, 0.25, seed: 0), DataSplit.Shuffled(digits.Labels, 0.25, seed: 0));
    }

    /// <summary>Held-out NLL (nats per image) of independent Bernoulli pixels with their training frequencies (add-one smoothed).</summary>
    private static double IndependentBernoulliNll(Split split)
    {
        var n = split.Train.shape[0];
        var p = (split.Train.sum(dim: 0) + 1) / (n + 2);
        var lp = (split.Test * p.log()) + ((1 - split.Test) * (1 - p).log());
        return -lp.sum(new long[] { 1, 2, 3 }).mean().ToDouble();
    }

    /// <summary>Adam on minibatches of 64 training rows: <paramref name="logProb"/> maps row indices to their log-likelihoods.</summary>
    private static void Train(IEnumerable<TorchSharp.Modules.Parameter> parameters, Func<torch.Tensor, torch.Tensor> logProb, long rows, int steps, double lr)
    {
        var optimizer = torch.optim.Adam(parameters, lr: lr);
        var noise = Gen.Seed.Generator(0);
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = -logProb(torch.randint(rows, new long[] { 64 }, generator: noise)).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
    }

    [Fact]
    public void PixelCnn_learns_binary_digits_better_than_independent_pixels()
    {
        var (images, _) = BinaryDigits();
        var baseline = IndependentBernoulliNll(images);
        using var model = Autoregressive.PixelCnn(1, 8, 8).WithFilters(32).WithResidualBlocks(2).Compile(Device.Cpu, seed: 0);
        var clock = Stopwatch.StartNew();
        Train(model.parameters(), idx => model.LogProb(images.Train.index_select(0, idx)), images.Train.shape[0], 300, 5e-3);
        double nll;
        using (torch.no_grad())
        {
            nll = -model.LogProb(images.Test).mean().ToDouble();
        }

        output.WriteLine($"PixelCNN held-out NLL {nll:F2} nats, independent pixels {baseline:F2} nats, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(nll < baseline - 5, $"PixelCNN test NLL {nll:F2} nats should beat independent pixels' {baseline:F2} by 5 nats");
    }

    [Fact]
    public void Class_conditional_gated_PixelCnn_learns_digits_and_uses_the_label()
    {
        // Held out, the true labels must explain the images better than every label shifted by one.
        var (images, labels) = BinaryDigits();
        var baseline = IndependentBernoulliNll(images);
        using var model = Autoregressive.GatedPixelCnn(1, 8, 8).WithFilters(16).WithLayers(3).WithClasses(10).Compile(Device.Cpu, seed: 0);
        var clock = Stopwatch.StartNew();
        Train(
            model.parameters(),
            idx => model.LogProb(images.Train.index_select(0, idx), labels.Train.index_select(0, idx)),
            images.Train.shape[0],
            150,
            3e-3);
        double nll, wrongNll;
        using (torch.no_grad())
        {
            nll = -model.LogProb(images.Test, labels.Test).mean().ToDouble();
            wrongNll = -model.LogProb(images.Test, (labels.Test + 1).remainder(10)).mean().ToDouble();
        }

        output.WriteLine($"gated PixelCNN held-out NLL {nll:F2} nats (wrong labels {wrongNll:F2}), independent pixels {baseline:F2} nats, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(nll < baseline - 5, $"gated PixelCNN test NLL {nll:F2} nats should beat independent pixels' {baseline:F2} by 5 nats");
        Assert.True(nll < wrongNll - 2, $"true labels give {nll:F2} nats, wrong labels {wrongNll:F2}: the label should help by 2 nats");
    }
}
