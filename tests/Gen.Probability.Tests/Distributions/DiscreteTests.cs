using System;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

public sealed class DiscreteTests
{
    [Fact]
    public void BernoulliLogitsAtPlusMinus100StayFiniteAndExact()
    {
        var d = Family.Bernoulli(logits: T.V(100, -100));
        // log σ(100) ≈ -e^-100, log σ(-100) = -100 - log(1 + e^-100).
        T.Close(new[] { -Math.Exp(-100), -100 }, d.LogProb(T.V(1, 1)), 1e-12);
        T.Close(new[] { -100.0, -Math.Exp(-100) }, d.LogProb(T.V(0, 0)), 1e-12);
        Assert.True(T.A(d.Entropy()).AllFinite());
    }

    [Fact]
    public void BernoulliProbsAtZeroAndOneAreExact()
    {
        var d = Family.Bernoulli(probs: T.V(0, 1, 0.25));
        var lp = T.A(d.LogProb(T.V(0, 1, 1)));
        Assert.Equal(0.0, lp[0]);
        Assert.Equal(0.0, lp[1]);
        Assert.Equal(Math.Log(0.25), lp[2], 14);
        Assert.Equal(double.NegativeInfinity, T.D(Family.Bernoulli(probs: T.S(0)).LogProb(T.S(1))));
        T.Close(new[] { 0, 0, -(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)) }, d.Entropy(), 1e-14);
    }

    [Fact]
    public void BernoulliLogitsAndProbsAgreeWithTorchSharp()
    {
        var logits = T.V(-3, -0.5, 0, 2, 7);
        var x = T.V(1, 0, 1, 0, 1);
        T.Close(torch.distributions.Bernoulli(logits: logits).log_prob(x), Family.Bernoulli(logits: logits).LogProb(x), 1e-12);
        var probs = logits.sigmoid();
        T.Close(torch.distributions.Bernoulli(probs: probs).log_prob(x), Family.Bernoulli(probs: probs).LogProb(x), 1e-12);
    }

    [Fact]
    public void BernoulliMeanVarianceAndSampleShape()
    {
        var d = Family.Bernoulli(probs: T.V(0.2, 0.9));
        T.Close(new[] { 0.2, 0.9 }, d.Mean);
        T.Close(new[] { 0.16, 0.09 }, d.Variance, 1e-14);
        var s = d.Sample(new long[] { 3 }, T.Rng());
        Assert.Equal(new long[] { 3, 2 }, s.shape);
    }

    [Fact]
    public void BernoulliNeedsExactlyOneParameter()
    {
        Assert.Throws<ArgumentException>(() => Family.Bernoulli());
        Assert.Throws<ArgumentException>(() => Family.Bernoulli(logits: T.S(0), probs: T.S(0.5)));
    }

    [Fact]
    public void DiscreteFamiliesAreNotReparameterisedAndRSampleThrows()
    {
        IDistribution[] all =
        {
            Family.Bernoulli(logits: T.S(0)), Family.Categorical(logits: T.V(0, 1)), Family.OneHotCategorical(logits: T.V(0, 1)),
            Family.Poisson(T.S(2)), Family.Geometric(probs: T.S(0.3)), Family.Binomial(T.S(5), probs: T.S(0.3)),
            Family.MixtureSameFamily(Family.Categorical(logits: T.V(0, 1)), Family.Normal(T.V(0, 1), T.V(1, 1))),
        };
        foreach (var d in all)
        {
            Assert.False(d.IsReparameterized, d.GetType().Name);
            var ex = Assert.Throws<NotSupportedException>(() => d.RSample(new long[] { 2 }));
            Assert.Contains(d.GetType().Name, ex.Message);
        }
    }

    [Fact]
    public void CategoricalLogProbIsNormalisedLogSoftmax()
    {
        var logits = T.M(new double[,] { { 1, 2, 3 }, { 0, 0, -1000 } });
        var d = Family.Categorical(logits: logits);
        Assert.Equal(new long[] { 2 }, d.BatchShape);
        double z = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        T.Close(new[] { 2 - z, -Math.Log(2) }, d.LogProb(torch.tensor(new long[] { 1, 0 })), 1e-12);
        // Values broadcast against the batch: shape [4, 2].
        var v = torch.tensor(new long[] { 0, 1, 2, 0 }).reshape(4, 1);
        Assert.Equal(new long[] { 4, 2 }, d.LogProb(v).shape);
        T.Close(torch.distributions.Categorical(logits: logits).log_prob(v.expand(4, 2)), d.LogProb(v), 1e-12);
    }

    [Fact]
    public void CategoricalFromProbsNormalisesWeights()
    {
        var d = Family.Categorical(probs: T.V(1, 3, 0));
        T.Close(new[] { Math.Log(0.25), Math.Log(0.75), double.NegativeInfinity }, d.LogProb(T.V(0, 1, 2)), 1e-14);
        T.Close(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), d.Entropy(), 1e-14);
    }

    [Fact]
    public void CategoricalSamplesFollowTheProbabilities()
    {
        var d = Family.Categorical(probs: T.V(0.1, 0.6, 0.3));
        var s = d.Sample(new long[] { 20000 }, T.Rng(11));
        Assert.Equal(new long[] { 20000 }, s.shape);
        var freq = T.A(torch.bincount(s, minlength: 3).to_type(torch.float64) / 20000);
        Assert.Equal(0.1, freq[0], 1);
        Assert.InRange(freq[1], 0.58, 0.62);
        Assert.InRange(freq[2], 0.28, 0.32);
    }

    [Fact]
    public void OneHotCategoricalMatchesCategorical()
    {
        var logits = T.V(0.5, -1, 2);
        var d = Family.OneHotCategorical(logits: logits);
        Assert.Equal(new long[] { 3 }, d.EventShape);
        var x = T.M(new double[,] { { 0, 0, 1 }, { 1, 0, 0 } });
        T.Close(Family.Categorical(logits: logits).LogProb(torch.tensor(new long[] { 2, 0 })), d.LogProb(x), 1e-14);
        var s = d.Sample(new long[] { 5 }, T.Rng());
        Assert.Equal(new long[] { 5, 3 }, s.shape);
        T.Close(new double[] { 1, 1, 1, 1, 1 }, s.sum(1), 0);
    }

    [Fact]
    public void PoissonLogMassAndMoments()
    {
        var d = Family.Poisson(T.V(3.5));
        // log(e^-λ λ^k / k!) at k = 2.
        T.Close(-3.5 + 2 * Math.Log(3.5) - Math.Log(2), d.LogProb(T.V(2)), 1e-13);
        T.Close(-3.5, d.LogProb(T.V(0)), 1e-14);
        T.Close(torch.distributions.Poisson(T.V(3.5)).log_prob(T.V(0, 1, 7, 20)), d.LogProb(T.V(0, 1, 7, 20)), 1e-12);
        Assert.Equal(0.0, T.D(Family.Poisson(T.S(0)).LogProb(T.S(0))));
    }

    [Fact]
    public void GeometricLogMassFromLogitsAndProbsAgree()
    {
        var p = T.V(0.2, 0.7);
        var k = T.V(3, 0);
        var expected = new[] { 3 * Math.Log(0.8) + Math.Log(0.2), Math.Log(0.7) };
        T.Close(expected, Family.Geometric(probs: p).LogProb(k), 1e-13);
        T.Close(expected, Family.Geometric(logits: p.logit()).LogProb(k), 1e-12);
        T.Close(new[] { 4.0, 0.3 / 0.7 }, Family.Geometric(probs: p).Mean, 1e-13);
    }

    [Fact]
    public void BinomialLogMassMatchesChooseFormula()
    {
        var d = Family.Binomial(T.S(10), probs: T.S(0.3));
        double expected = Math.Log(120) + 3 * Math.Log(0.3) + 7 * Math.Log(0.7); // C(10,3) = 120
        T.Close(expected, d.LogProb(T.S(3)), 1e-12);
        T.Close(expected, Family.Binomial(T.S(10), logits: T.S(0.3).logit()).LogProb(T.S(3)), 1e-12);
        T.Close(3.0, d.Mean, 1e-14);
        T.Close(2.1, d.Variance, 1e-14);
        var s = d.Sample(new long[] { 7 }, T.Rng());
        Assert.Equal(new long[] { 7 }, s.shape);
        Assert.True(T.A(s).AllFinite());
    }
}
