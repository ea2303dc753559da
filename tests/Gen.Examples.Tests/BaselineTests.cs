using System;
using TorchSharp;
using Xunit;

namespace Gen.Examples.Tests;

// The baselines the examples print next to their models must be right, or the comparison means nothing.
public class BaselineTests
{
    [Fact]
    public void GaussianFitOfStandardNormalDataHasItsEntropy()
    {
        var g = Gen.Seed.Generator(5);
        var train = torch.randn(new long[] { 20000, 2 }, generator: g);
        var test = torch.randn(new long[] { 20000, 2 }, generator: g);
        // Entropy of the standard 2-D normal: log(2πe) = 2.8379 nats.
        Assert.Equal(Math.Log(2 * Math.PI * Math.E), Flow2dExample.GaussianNll(train, test), 1);
        Assert.InRange(Flow2dExample.GaussianNll(train, test), 2.80, 2.88);
    }

    [Fact]
    public void IndependentPixelsUseSmoothedFrequencies()
    {
        // 8 training images: pixel 0 always on, pixel 1 always off, pixel 2 on in half of them.
        var train = torch.zeros(8, 3);
        train[.., 0] = torch.ones(8);
        train[..4, 2] = torch.ones(4);
        var test = torch.tensor(new float[] { 1, 0, 1 }).reshape(1, 3);
        // p = (count + 1) / (n + 2): 9/10, 1/10, 5/10; the test image has probability 0.9 · 0.9 · 0.5.
        var expected = -Math.Log(0.9 * 0.9 * 0.5);
        Assert.Equal(expected, BinaryImages.IndependentPixelsNll(train, test), 10);
    }
}
