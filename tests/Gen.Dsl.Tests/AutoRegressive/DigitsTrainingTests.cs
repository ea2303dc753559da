using System;
using System.Diagnostics;
using Gen.Data;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>
/// Real data, fixed seeds: each binary autoregressive model, trained for a few seconds on binarised 8×8 digits, must
/// beat the best independent-Bernoulli model (per-pixel frequencies from the training set) on held-out digits.
/// </summary>
public class DigitsTrainingTests(ITestOutputHelper output)
{
    private static (torch.Tensor Train, torch.Tensor Test) Binarised()
    {
        var pixels = Digits.Load(Device.Cpu).Images;
        var split = DataSplit.Shuffled(pixels.ge(8).to(torch.float32), 0.25, seed: 0);
        return (split.Train, split.Test);
    }

    /// <summary>Test NLL (nats per image) of independent Bernoullis with add-one smoothed training frequencies.</summary>
    private static double IndependentBernoulliNll(torch.Tensor train, torch.Tensor test)
    {
        using var scope = torch.NewDisposeScope();
        var p = (train.sum(dim: 0) + 1) / (train.shape[0] + 2);
        var logLik = test * p.log() + (1 - test) * (1 - p).log();
        return -logLik.sum(-1).mean().item<float>();
    }

    /// <summary>
    /// Trains with Adam on minibatches of 100 and returns the test NLL; <paramref name="eachStep"/> runs before every
    /// step, and gradients are clipped to norm <paramref name="clip"/> when it is given (recurrent models need it).
    /// </summary>
    private double Train(AutoregressiveBinaryModel model, int steps, double lr, Action? eachStep = null, Func<torch.Tensor, torch.Tensor>? evaluate = null, double? clip = null, double margin = Margin)
    {
        var (train, test) = Binarised();
        var optimizer = torch.optim.Adam(model.parameters(), lr: lr);
        var g = Seed.Generator(1);
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            eachStep?.Invoke();
            var batch = train.index_select(0, torch.randint(train.shape[0], new long[] { 100 }, generator: g));
            var loss = -model.LogProb(batch).mean();
            optimizer.zero_grad();
            loss.backward();
            if (clip is double c)
            {
                torch.nn.utils.clip_grad_norm_(model.parameters(), c);
            }

            optimizer.step();
        }

        using var noGrad = torch.no_grad();
        var nll = -(evaluate ?? model.LogProb)(test).mean().item<float>();
        var baseline = IndependentBernoulliNll(train, test);
        output.WriteLine($"{model.GetType().Name}: test NLL {nll:F2} nats vs independent Bernoulli {baseline:F2} ({clock.Elapsed.TotalSeconds:F1} s training)");
        Assert.True(double.IsFinite(nll));
        Assert.True(nll < baseline - margin, $"test NLL {nll:F2} nats should beat the independent Bernoulli's {baseline:F2} by {margin} nats");
        return nll;
    }

    private const double Margin = 5;

    [Fact]
    public void Made_beats_independent_pixels()
    {
        using var model = Autoregressive.Made(64, 256).Compile(Device.Cpu, seed: 0);
        Train(model, 400, 3e-3);
    }

    [Fact]
    public void Order_agnostic_made_beats_independent_pixels_with_a_mask_ensemble()
    {
        using var model = Autoregressive.Made(64, 256).WithOrder(InputOrder.Random(0)).WithMasks(4).Compile(Device.Cpu, seed: 0);
        Train(model, 400, 3e-3, model.NextMask, x => model.EnsembleLogProb(x, 4));
    }

    [Fact]
    public void Nade_beats_independent_pixels()
    {
        using var model = Autoregressive.Nade(64, 50).Compile(Device.Cpu, seed: 0);
        Train(model, 300, 1e-2);
    }

    [Fact]
    public void Fvsbn_beats_independent_pixels()
    {
        using var model = Autoregressive.Fvsbn(64).Compile(Device.Cpu);
        Train(model, 400, 2e-2);
    }

    [Fact]
    public void Rnn_beats_independent_pixels()
    {
        // Measured here: 21.1 nats after 400 steps against 25.2 for independent pixels (an LSTM learns more slowly than
        // the feed-forward models, and without clipping its gradients spike and it falls behind the baseline).
        using var model = Autoregressive.Rnn(64, 32).Compile(Device.Cpu, seed: 0);
        Train(model, 400, 1e-2, clip: 1.0, margin: 3);
    }
}
