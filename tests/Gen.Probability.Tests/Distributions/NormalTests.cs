using System;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

public sealed class NormalTests
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    [Fact]
    public void StandardNormalLogDensityAtZeroIsMinusHalfLogTwoPi()
    {
        var d = Family.Normal(T.S(0), T.S(1));
        T.Close(-HalfLog2Pi, d.LogProb(T.S(0)), 1e-14);
    }

    [Fact]
    public void LogDensityMatchesClosedFormAtPoints()
    {
        // N(1, 2²) at 3 and -1: z = ±1, so log p = -1/2 - log 2 - ½ log 2π.
        var d = Family.Normal(T.S(1), T.S(2));
        double expected = -0.5 - Math.Log(2) - HalfLog2Pi;
        T.Close(new[] { expected, expected, -Math.Log(2) - HalfLog2Pi }, d.LogProb(T.V(3, -1, 1)), 1e-14);
    }

    [Fact]
    public void BatchShapeBroadcastsParameters()
    {
        var d = Family.Normal(T.V(0, 1, 2), T.S(1));
        Assert.Equal(new long[] { 3 }, d.BatchShape);
        Assert.Empty(d.EventShape);
        Assert.Equal(new long[] { 5, 3 }, d.Sample(new long[] { 5 }, T.Rng()).shape);
        Assert.Equal(new long[] { 5, 3 }, d.LogProb(torch.zeros(5, 3, dtype: torch.float64)).shape);
    }

    [Fact]
    public void CdfAndIcdfInvertEachOther()
    {
        var d = Family.Normal(T.S(0.5), T.S(1.5));
        T.Close(0.5, d.Cdf(T.S(0.5)), 1e-14);
        T.Close(0.8413447460685429, d.Cdf(T.S(2.0)), 1e-12); // Φ(1)
        var x = T.V(-3, -0.2, 0.5, 4);
        T.Close(x, d.Icdf(d.Cdf(x)), 1e-9);
    }

    [Fact]
    public void MomentsAndEntropyAreReachableThroughTheInterface()
    {
        IDistribution d = Family.Normal(T.V(1, 2), T.V(3, 4));
        T.Close(new double[] { 1, 2 }, d.Mean);
        T.Close(new double[] { 9, 16 }, d.Variance);
        T.Close(new[] { 0.5 + HalfLog2Pi + Math.Log(3), 0.5 + HalfLog2Pi + Math.Log(4) }, d.Entropy(), 1e-14);
    }

    [Fact]
    public void RSampleCarriesGradientsToLocAndScale()
    {
        var loc = T.V(0.5, -1).requires_grad_();
        var scale = T.V(1, 2).requires_grad_();
        var d = Family.Normal(loc, scale);
        Assert.True(d.IsReparameterized);
        var x = d.RSample(new long[] { 100 }, T.Rng());
        x.sum().backward();
        Assert.NotNull(loc.grad);
        Assert.NotNull(scale.grad);
        T.Close(new double[] { 100, 100 }, loc.grad!); // d/dloc of Σ (loc + scale ε) = number of draws
        Assert.True(T.A(scale.grad!).AllFinite());
    }

    [Fact]
    public void SampleHasNoGradientButSameValuesAsRSampleForSameSeed()
    {
        var loc = T.V(0.5).requires_grad_();
        var d = Family.Normal(loc, T.V(2));
        var a = d.Sample(new long[] { 4 }, T.Rng(7));
        var b = d.RSample(new long[] { 4 }, T.Rng(7));
        Assert.False(a.requires_grad);
        Assert.True(b.requires_grad);
        T.Close(b.detach(), a, 0);
    }

    [Fact]
    public void AgreesWithTorchSharpNormalLogProb()
    {
        var loc = T.V(-1, 0, 2.5);
        var scale = T.V(0.3, 1, 7);
        var x = torch.randn(new long[] { 6, 3 }, dtype: torch.float64, generator: T.Rng(3)) * 3;
        var ours = Family.Normal(loc, scale).LogProb(x);
        var theirs = torch.distributions.Normal(loc, scale).log_prob(x);
        T.Close(theirs, ours, 1e-12);
    }

    [Fact]
    public void DiagonalNormalSumsOverTheLastDimension()
    {
        var loc = T.M(new double[,] { { 0, 1 }, { 2, 3 } });
        var scale = T.M(new double[,] { { 1, 2 }, { 3, 4 } });
        var d = Family.DiagonalNormal(loc, scale);
        Assert.Equal(new long[] { 2 }, d.BatchShape);
        Assert.Equal(new long[] { 2 }, d.EventShape);
        var x = T.M(new double[,] { { 0.5, -1 }, { 1, 1 } });
        var expected = Family.Normal(loc, scale).LogProb(x).sum(1);
        T.Close(expected, d.LogProb(x), 1e-14);
        T.Close(Family.Normal(loc, scale).Entropy().sum(1), d.Entropy(), 1e-14);
    }

    [Fact]
    public void IndependentRejectsTooManyDimensions()
    {
        var ex = Assert.Throws<GenShapeException>(() => Family.Independent(Family.Normal(T.V(0, 1), T.S(1)), 2));
        Assert.Contains("[2]", ex.Message);
    }

    [Fact]
    public void IndependentChecksTheEventShapeOfValues()
    {
        var d = Family.DiagonalNormal(T.V(0, 0, 0), T.V(1, 1, 1));
        Assert.Throws<GenShapeException>(() => d.LogProb(T.V(0, 0)));
    }
}

internal static class ArrayChecks
{
    internal static bool AllFinite(this double[] values) => Array.TrueForAll(values, double.IsFinite);
}
