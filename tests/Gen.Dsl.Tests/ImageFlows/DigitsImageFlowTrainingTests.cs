using System;
using System.Diagnostics;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>
/// Real data, fixed seeds: small multi-scale flows trained for a few seconds on the 8×8 digits (17 levels, 0 … 16),
/// dequantised, must reach a held-out bits/dim below that of independent per-pixel histograms fitted to the training
/// set (a piecewise-uniform density on [0, 17)^64, so directly comparable), and far below the uniform log₂ 17 ≈ 4.09.
/// </summary>
public class DigitsImageFlowTrainingTests(ITestOutputHelper output)
{
    private const int Levels = Digits.MaxValue + 1;

    private static (torch.Tensor Train, torch.Tensor Test) Images()
    {
        var pixels = Digits.Load(Device.Cpu).Images.reshape(-1, 1, 8, 8);
        var split = DataSplit.Shuffled(pixels, 0.25, seed: 0);
        return (split.Train, split.Test);
    }

    /// <summary>Held-out bits/dim of independent per-pixel categorical distributions with add-one smoothed training counts.</summary>
    private static double PerPixelHistogramBitsPerDim(torch.Tensor train, torch.Tensor test)
    {
        using var scope = torch.NewDisposeScope();
        var trainLevels = train.reshape(train.shape[0], -1).to(torch.int64);
        var testLevels = test.reshape(test.shape[0], -1).to(torch.int64);
        var counts = torch.nn.functional.one_hot(trainLevels, Levels).sum(dim: 0).to(torch.float64) + 1; // [64, 17]
        var logP = (counts / counts.sum(dim: -1, keepdim: true)).log();
        var testLogP = logP.gather(1, testLevels.t()).sum(dim: 0);        // [test]
        return (-testLogP.mean() / (64 * Math.Log(2))).item<double>();
    }

    private (double Bits, double Histogram) TrainAndScore(FlowSpec spec, int steps, double lr)
    {
        var (train, test) = Images();
        using var model = spec.Compile(Device.Cpu, seed: 0);
        var clock = Stopwatch.StartNew();
        using var noise = Seed.Generator(1);
        using var batches = Seed.Generator(2);
        using (var init = torch.no_grad())
        {
            // ActNorm's data-dependent initialisation on a batch of 256.
            using var first = model.LogProbDequantized(train.narrow(0, 0, 256), noise);
        }

        using var optimizer = new FusedAdam(model.parameters(), lr);
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var batch = train.index_select(0, torch.randint(train.shape[0], new long[] { 64 }, generator: batches));
            var loss = -model.LogProbDequantized(batch, noise).mean();
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }

        double bits;
        using (var noGrad = torch.no_grad())
        {
            using var evalNoise = Seed.Generator(3);
            using var scope = torch.NewDisposeScope();
            bits = model.BitsPerDim(model.LogProbDequantized(test, evalNoise)).mean().item<float>();
        }

        double histogram = PerPixelHistogramBitsPerDim(train, test);
        output.WriteLine($"{spec.Steps.Count} steps: held-out {bits:F3} bits/dim vs per-pixel histograms {histogram:F3}, uniform {Math.Log2(Levels):F3} ({clock.Elapsed.TotalSeconds:F1} s, {steps} updates)");
        Assert.True(double.IsFinite(bits));
        return (bits, histogram);
    }

    [Fact]
    public void Glow_beats_per_pixel_histograms_on_held_out_digits()
    {
        // About 4 s on an idle 2-core CPU.
        var spec = ImageFlow.Glow(1, 8, 8, levels: 2, stepsPerLevel: 2, hidden: 16).WithPreprocessing(ImagePreprocessing.Logit(Levels, 0.05));
        var (bits, histogram) = TrainAndScore(spec, 300, 5e-3);
        Assert.True(bits < histogram - 0.05, $"Glow: {bits:F3} bits/dim should beat the per-pixel histograms' {histogram:F3} by 0.05");
        Assert.True(bits < Math.Log2(Levels) - 1.5, $"Glow: {bits:F3} bits/dim should beat the uniform {Math.Log2(Levels):F3} by 1.5");
    }

    [Fact]
    public void RealNvp_beats_per_pixel_histograms_on_held_out_digits()
    {
        // About 3 s on an idle 2-core CPU.
        var spec = ImageFlow.RealNvp(1, 8, 8, scales: 2, hidden: 8, blocks: 1).WithPreprocessing(ImagePreprocessing.Logit(Levels, 0.05));
        var (bits, histogram) = TrainAndScore(spec, 200, 5e-3);
        Assert.True(bits < histogram - 0.1, $"RealNVP: {bits:F3} bits/dim should beat the per-pixel histograms' {histogram:F3} by 0.1");
        Assert.True(bits < Math.Log2(Levels) - 1.5, $"RealNVP: {bits:F3} bits/dim should beat the uniform {Math.Log2(Levels):F3} by 1.5");
    }
}
