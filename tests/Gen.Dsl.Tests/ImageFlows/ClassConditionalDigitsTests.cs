using System;
using System.Diagnostics;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>
/// Real data, fixed seeds: a class-conditional Glow, p(x | digit), trained for a few seconds on the 8×8 digits through
/// <see cref="Trainer"/> (batches of example indices, so images and labels stay together), must have learnt what each
/// label means: as a Bayes classifier, argmax over digits of log p(x | digit), it must name most held-out digits.
/// </summary>
public class ClassConditionalDigitsTests(ITestOutputHelper output)
{
    private const int Levels = Digits.MaxValue + 1;
    private const int Classes = 10;

    [Fact]
    public void Class_conditional_glow_classifies_held_out_digits_by_likelihood()
    {
        var data = Digits.Load(Device.Cpu);
        var images = data.Images.reshape(-1, 1, 8, 8);
        var labels = torch.nn.functional.one_hot(data.Labels.to(torch.int64), Classes).to(torch.float32);
        var split = DataSplit.Shuffled(torch.arange(images.shape[0]), 0.25, seed: 0);

        var spec = ImageFlow.Glow(1, 8, 8, levels: 2, stepsPerLevel: 2, hidden: 16)
            .WithPreprocessing(ImagePreprocessing.Logit(Levels, 0.05))
            .WithContext(Classes);
        using var model = spec.Compile(Device.Cpu, seed: 0);
        using var noise = Seed.Generator(1);
        using (torch.no_grad())
        {
            // ActNorm's data-dependent initialisation on a batch of 256.
            var first = split.Train.narrow(0, 0, 256);
            using var lp = model.LogProbDequantized(images[first], labels[first], noise);
        }

        var clock = Stopwatch.StartNew();
        using var optimizer = new FusedAdam(model.parameters(), 5e-3);
        var trainer = new Trainer(
            model,
            optimizer,
            rows => -model.LogProbDequantized(images[rows], labels[rows], noise).mean(),
            new TrainingOptions { Epochs = 12, BatchSize = 64, Seed = 2 });
        var result = trainer.Fit(split.Train);

        using var evalNoise = Seed.Generator(3);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var test = split.Test;
        var x = images[test] + DeviceRandom.Uniform(new[] { test.shape[0], 1L, 8, 8 }, torch.float32, Device.Cpu, evalNoise);

        // log p(x | digit) for every digit: [test, 10], the same dequantised x under each label.
        var oneHot = torch.eye(Classes);
        var scores = torch.stack(Enumerable.Range(0, Classes).Select(d => model.LogProb(x, oneHot[d])).ToArray(), 1);
        var truth = data.Labels.to(torch.int64)[test];
        double accuracy = scores.argmax(1).eq(truth).to(torch.float64).mean().item<double>();
        double bitsTrue = model.BitsPerDim(scores.gather(1, truth.unsqueeze(1))).mean().item<float>();
        double bitsBest = model.BitsPerDim(scores.max(1).values).mean().item<float>();
        output.WriteLine($"class-conditional Glow: held-out accuracy {accuracy:P1} by likelihood (chance 10%), {bitsTrue:F3} bits/dim under the true label ({bitsBest:F3} under the best); {result.Steps} updates in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.True(bitsTrue < Math.Log2(Levels) - 1.5, $"{bitsTrue:F3} bits/dim should beat the uniform {Math.Log2(Levels):F3} by 1.5");
        Assert.True(accuracy > 0.9, $"held-out accuracy {accuracy:P1} should be above 90% (chance 10%)");
    }
}
