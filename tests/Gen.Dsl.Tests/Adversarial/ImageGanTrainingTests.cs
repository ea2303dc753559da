using System;
using System.Diagnostics;
using System.Linq;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gen.Dsl.Tests.Gans;

/// <summary>A class-conditional convolutional GAN trained on the 8×8 digits, judged by a classifier of the same digits.</summary>
public sealed class ImageGanTrainingTests
{
    private readonly ITestOutputHelper output;

    public ImageGanTrainingTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void A_conditional_dcgan_draws_digits_of_the_asked_class_close_to_held_out_digits()
    {
        var digits = Digits.Load(Device.Cpu);
        var images = digits.Images.reshape(-1, 1, 8, 8).to(torch.float32) / Digits.MaxValue;
        var split = DataSplit.Shuffled(torch.arange(images.shape[0]), 0.25, seed: 0);
        var (train, test) = (images.index_select(0, split.Train), images.index_select(0, split.Test));
        var trainLabels = digits.Labels.index_select(0, split.Train);
        using var classifier = ClassifierFeatures.Train(train.flatten(1), trainLabels, 10, "the 8x8 digits", seed: 1, epochs: 30, hidden: 64, features: 32);

        var clock = Stopwatch.StartNew();
        var spec = Adversarial.DcGan(16, 1, 8, 8, filters: 16).WithSpectralNorm().WithClasses(10);
        using var model = spec.Compile(Device.Cpu, seed: 0);
        model.CheckValues = false;
        var (before, beforeShare) = Judge(model, classifier, test);
        using var gOpt = new FusedAdam(model.GeneratorParameters(), 1e-3, 0.5, 0.999);
        using var dOpt = new FusedAdam(model.DiscriminatorParameters(), 1e-3, 0.5, 0.999);
        using var trainer = new GanTrainer(model, Objective.Hinge, 1, gOpt, dOpt);
        var g = Seed.Generator(2);
        var data = train * 2 - 1;
        for (int step = 0; step < 800; step++)
        {
            trainer.Step(
                () =>
                {
                    var index = DeviceRandom.Integers(data.shape[0], new long[] { 64 }, Device.Cpu, g);
                    return new GanBatch(data.index_select(0, index), trainLabels.index_select(0, index));
                },
                g);
        }

        var (after, share) = Judge(model, classifier, test);
        double floor = FrechetDistance.Between(classifier.Features(train.flatten(1)), classifier.Features(test.flatten(1)));
        output.WriteLine($"Fréchet distance to held-out digits {before:F2} untrained, {after:F2} after 800 steps (train-test floor {floor:F2}); samples classified as their label {beforeShare:P1} -> {share:P1}; {clock.Elapsed.TotalSeconds:F1} s");
        // Untrained, a tenth of the samples land in their class by chance.
        Assert.True(share >= 0.8, $"share {share}");
        Assert.True(after < before / 10, $"FD {before} -> {after}");
    }

    // The Fréchet distance of 450 samples (45 per class, mapped from [−1, 1] to pixels) to the held-out digits on the
    // classifier's features, and the share of samples the classifier gives their label.
    private static (double Distance, double Share) Judge(GanModel model, ClassifierFeatures classifier, torch.Tensor test)
    {
        model.eval();
        using var scope = torch.NewDisposeScope();
        var labels = torch.arange(10, dtype: torch.int64).repeat_interleave(45);
        var samples = ((model.SampleGiven(labels, Seed.Generator(7)) + 1) / 2).flatten(1);
        double distance = FrechetDistance.Between(classifier.Features(samples), classifier.Features(test.flatten(1)));
        double share = classifier.Accuracy(samples, labels);
        model.train();
        return (distance, share);
    }
}
