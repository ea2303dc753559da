using System;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Metrics;

/// <summary>On a classifier's features, the metrics tell held-out data from noise, and the classifier is a good one.</summary>
public sealed class ClassifierFeaturesTests
{
    [Fact]
    public void On_the_digits_features_held_out_data_is_close_and_noise_is_far()
    {
        var digits = Gen.Data.Digits.Load(Device.Cpu);
        var images = digits.Images.reshape(-1, 64).to(torch.float32) / 16;
        var split = DataSplit.Shuffled(torch.arange(images.shape[0]), 0.25, seed: 0);
        var (train, test) = (images.index_select(0, split.Train), images.index_select(0, split.Test));
        var (trainLabels, testLabels) = (digits.Labels.index_select(0, split.Train), digits.Labels.index_select(0, split.Test));
        using var features = ClassifierFeatures.Train(train, trainLabels, 10, "the 8x8 digits", seed: 1, epochs: 30, hidden: 64, features: 32);
        double accuracy = features.Accuracy(test, testLabels);
        Assert.True(accuracy > 0.93, $"accuracy {accuracy}");
        Assert.Contains("held-out accuracy", features.Description);

        var noise = torch.rand(new long[] { test.shape[0], 64 }, generator: Seed.Generator(2));
        var (a, b, n) = (features.Features(train), features.Features(test), features.Features(noise));
        Assert.Equal(new long[] { test.shape[0], 32 }, b.shape);
        double close = FrechetDistance.Between(a, b), far = FrechetDistance.Between(b, n);
        Assert.True(far > 20 * close, $"FD(train, test) {close}, FD(test, noise) {far}");
        var kidClose = KernelDistance.Between(a, b, Seed.Generator(3), subsets: 20, subsetSize: 300);
        var kidFar = KernelDistance.Between(b, n, Seed.Generator(3), subsets: 20, subsetSize: 300);
        Assert.True(kidFar.Mean > 20 * Math.Abs(kidClose.Mean), $"KID(train, test) {kidClose.Mean}, KID(test, noise) {kidFar.Mean}");

        Assert.Equal("classifier_features", Assert.Throws<GenShapeException>(() => features.Features(torch.rand(3, 65))).Node);
        Assert.Throws<ArgumentException>(() => ClassifierFeatures.Train(train, trainLabels, 5, "x", seed: 0, epochs: 1));
    }
}
