using System;
using System.Linq;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Distributions.T;

namespace Gen.Probability.Tests.Distributions;

public class LowRankAndDiscretizedTests
{
    [Fact]
    public void The_low_rank_normal_equals_the_full_normal_with_its_covariance()
    {
        using var g = Rng(1);
        var loc = torch.randn(new long[] { 2, 5 }, dtype: torch.float64, generator: g);
        var w = torch.randn(new long[] { 2, 5, 2 }, dtype: torch.float64, generator: g);
        var d = torch.rand(new long[] { 2, 5 }, dtype: torch.float64, generator: g) + 0.1;
        var low = Family.LowRankMultivariateNormal(loc, w, d);
        var full = MultivariateNormal.FromCovariance(loc, low.Covariance);
        var x = torch.randn(new long[] { 4, 2, 5 }, dtype: torch.float64, generator: g);
        Close(A(full.LogProb(x)), low.LogProb(x), 1e-10);
        Close(A(full.Entropy()), low.Entropy(), 1e-10);
        Close(A(full.Variance), low.Variance, 1e-12);
        Assert.Equal(new long[] { 2 }, low.BatchShape);
        DistributionLaws.MomentsMatch(low, samples: 40000, generator: Rng(2));
        DistributionLaws.SampleAndLogProbAgrees(low, generator: Rng(3));
        Assert.Throws<GenShapeException>(() => Family.LowRankMultivariateNormal(loc, w.narrow(1, 0, 4), d));
        Assert.Contains("covarianceDiagonal", Assert.Throws<ArgumentException>(() => Family.LowRankMultivariateNormal(loc, w, -d)).Message);
    }

    [Fact]
    public void The_discretized_logistic_sums_to_one_for_every_scale_and_stays_finite_at_the_edges()
    {
        var levels = torch.arange(256, dtype: torch.float64).reshape(256, 1);
        var loc = V(-1.2, -0.3, 0, 0.99, 1.0, 0.5);
        var logScale = V(-12, -5, -2, 0, 1.5, -8);
        var d = Family.DiscretizedLogistic(loc, logScale, 256);
        var lp = d.LogProb(levels.expand(256, 6));
        Assert.True(lp.isfinite().all().item<bool>(), "every level's log-mass must be finite");
        Close(A(torch.ones(6, dtype: torch.float64)), lp.exp().sum(dim: 0), 1e-9);
        DistributionLaws.SumsToOne(Family.DiscretizedLogistic(V(0.2), V(-1), 5), torch.arange(5, dtype: torch.float64));
    }

    [Fact]
    public void A_discretized_logistic_at_a_vanishing_scale_is_a_point_mass_not_nan_in_single_precision()
    {
        // e^(−log s) overflows float32 below log s ≈ −88; the mass is then all in the mean's level.
        var levels = torch.arange(256, dtype: torch.float32).reshape(256, 1);
        var loc = torch.tensor(new float[] { 0.1f, -0.5f });
        var logScale = torch.tensor(new float[] { -89f, -200f });
        var lp = Gen.Probability.Distributions.DiscretizedLogistic.LogMass(loc, logScale, levels, 256);
        Assert.False(lp.isnan().any().item<bool>());
        Close(new[] { 1.0, 1.0 }, lp.exp().sum(dim: 0), 1e-6);
        // The mean 0.1 is level (0.1 + 1)·127.5 = 140.25, so level 140 holds it; −0.5 is level 63.75, so 64.
        Assert.Equal(0, lp[140, 0].item<float>(), 5);
        Assert.Equal(0, lp[64, 1].item<float>(), 5);
    }

    [Fact]
    public void Discretized_logistic_samples_follow_its_masses()
    {
        var d = Family.DiscretizedLogistic(S(0.1), S(-0.7), 5);
        var s = d.Sample(new long[] { 40000 }, Rng(4));
        var counts = Enumerable.Range(0, 5).Select(k => D(s.eq(k).to_type(torch.float64).sum())).ToArray();
        var expected = A(d.LogProb(torch.arange(5, dtype: torch.float64)).exp() * 40000);
        double chi2 = counts.Zip(expected, (o, e) => (o - e) * (o - e) / e).Sum();
        Assert.True(chi2 < 18.47, $"chi-square {chi2} over 4 degrees of freedom (0.1% level 18.47)");
        Assert.Contains("0 … 4", Assert.Throws<ArgumentException>(() => new DiscretizedLogistic(S(0), S(0), 5).LogProb(S(2.5))).Message);
    }
}
