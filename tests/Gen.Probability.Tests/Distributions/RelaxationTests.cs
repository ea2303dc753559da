using System;
using System.Linq;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Distributions.T;

namespace Gen.Probability.Tests.Distributions;

/// <summary>Continuous Bernoulli, relaxed Bernoulli and categorical, and the straight-through one-hot categorical.</summary>
public class RelaxationTests
{
    [Fact]
    public void The_continuous_bernoulli_integrates_to_one_on_both_sides_of_one_half_and_at_it()
    {
        var lambdas = V(0.02, 0.2, 0.4905, 0.495, 0.5, 0.5049, 0.52, 0.8, 0.97);
        DistributionLaws.IntegratesToOne(Family.ContinuousBernoulli(probs: lambdas), 0, 1, points: 20001, tolerance: 1e-6);
    }

    [Fact]
    public void The_continuous_bernoulli_normaliser_matches_its_closed_form_and_is_smooth_across_one_half()
    {
        // log C(λ) = log(2 atanh(1 − 2λ) / (1 − 2λ)), computed here in double precision.
        foreach (var l in new[] { 0.02, 0.2, 0.45, 0.7, 0.95 })
        {
            double expected = Math.Log(2 * Math.Atanh(1 - 2 * l) / (1 - 2 * l));
            Close(expected, Family.ContinuousBernoulli(probs: S(l)).LogNormalizer(), 1e-12);
        }

        // Just inside and just outside the series' radius the two forms agree.
        double r = ContinuousBernoulli.SeriesRadius;
        var inside = Family.ContinuousBernoulli(logits: V(-r + 1e-15, r - 1e-15));
        var outside = Family.ContinuousBernoulli(logits: V(-r - 1e-15, r + 1e-15));
        Close(A(outside.LogNormalizer()), inside.LogNormalizer(), 1e-14);
        Close(A(outside.Mean), inside.Mean, 1e-14);
        Close(A(outside.Variance), inside.Variance, 1e-14);
        Close(0.5, Family.ContinuousBernoulli(probs: S(0.5)).Mean, 1e-15);
        Close(1.0 / 12, Family.ContinuousBernoulli(probs: S(0.5)).Variance, 1e-15);
    }

    [Fact]
    public void Continuous_bernoulli_samples_match_its_moments_and_quantiles_invert_the_cdf()
    {
        var d = Family.ContinuousBernoulli(logits: V(-3, -0.2, 0, 1e-9, 0.03, 2.5));
        DistributionLaws.MomentsMatch(d, samples: 40000, generator: Rng(3));
        DistributionLaws.SampleAndLogProbAgrees(d, generator: Rng(4));
        var u = V(0.01, 0.3, 0.5, 0.7, 0.9, 0.999);
        Close(A(u), d.Cdf(d.Icdf(u)), 1e-10);
        Assert.True(d.IsReparameterized);
        var logits = V(0.7).requires_grad_(true);
        var s = Family.ContinuousBernoulli(logits: logits).RSample(new long[] { 64 }, Rng(5));
        s.mean().backward();
        Assert.True(double.IsFinite(D(logits.grad!)) && D(logits.grad!) > 0, "samples should move up with the logit");
    }

    [Fact]
    public void The_relaxed_bernoulli_integrates_to_one_and_is_the_two_category_concrete()
    {
        var d = Family.RelaxedBernoulli(V(0.8, 1.5, 3), logits: V(-1, 0.5, 2));
        DistributionLaws.IntegratesToOne(d, 1e-9, 1 - 1e-9, points: 200001, tolerance: 2e-3);
        DistributionLaws.SampleAndLogProbAgrees(d, generator: Rng(6));

        var y = V(0.1, 0.5, 0.93);
        var binary = Family.RelaxedBernoulli(S(0.7), logits: S(1.3)).LogProb(y);
        var concrete = Family.RelaxedOneHotCategorical(S(0.7), logits: V(1.3, 0)).LogProb(torch.stack(new[] { y, 1 - y }, -1));
        Close(A(concrete), binary, 1e-12);
    }

    [Fact]
    public void A_cold_relaxed_bernoulli_rounds_to_its_bernoulli()
    {
        var d = Family.RelaxedBernoulli(S(0.02), probs: S(0.3));
        var s = d.RSample(new long[] { 20000 }, Rng(7));
        double ones = D(s.gt(0.5).to_type(torch.float64).mean());
        Assert.True(Math.Abs(ones - 0.3) < 5 * Math.Sqrt(0.3 * 0.7 / 20000), $"share above ½ is {ones}");
        Assert.True(D(s.sub(0.5).abs().lt(0.4).to_type(torch.float64).mean()) < 0.03, "a cold relaxation keeps samples near 0 and 1");
    }

    [Fact]
    public void The_relaxed_categorical_integrates_to_one_over_the_simplex()
    {
        // Midpoint rule over the triangle y1, y2 > 0, y1 + y2 < 1 (y3 = 1 − y1 − y2).
        const int n = 600;
        var h = 1.0 / n;
        var g = (torch.arange(n, dtype: torch.float64) + 0.5) * h;
        var y1 = g.unsqueeze(1).expand(n, n);
        var y2 = g.unsqueeze(0).expand(n, n);
        var inside = (y1 + y2).lt(1);
        var y3 = (1 - y1 - y2).clamp_min(1e-12);
        var y = torch.stack(new[] { y1, y2, y3 }, -1)[inside];
        foreach (var tau in new[] { 1.0, 2.0 })
        {
            var d = Family.RelaxedOneHotCategorical(S(tau), logits: V(0.4, -1, 1.1));
            double mass = D(d.LogProb(y).exp().sum()) * h * h;
            Assert.True(Math.Abs(mass - 1) < 2e-2, $"τ = {tau}: mass {mass}");
        }

        var c = Family.RelaxedOneHotCategorical(V(0.5, 1), logits: M(new double[,] { { 0, 1, 2 }, { 2, 0, -1 } }));
        DistributionLaws.SampleAndLogProbAgrees(c, generator: Rng(8));
        var s = c.RSample(new long[] { 10 }, Rng(9));
        Close(A(torch.ones(10, 2, dtype: torch.float64)), s.sum(-1), 1e-12);
    }

    [Fact]
    public void Straight_through_samples_are_one_hot_with_the_gradient_of_the_probabilities()
    {
        var logits = V(0.3, -0.5, 1.2).requires_grad_(true);
        var d = Family.OneHotCategoricalStraightThrough(logits: logits);
        var s = d.RSample(new long[] { 7 }, Rng(10));
        Assert.True(s.detach().eq(0).logical_or(s.detach().eq(1)).all().item<bool>());
        Close(A(torch.ones(7, dtype: torch.float64)), s.detach().sum(-1), 0);
        var w = V(1.0, -2.0, 0.5);
        (s * w).sum().backward();
        var viaProbs = V(0.3, -0.5, 1.2).requires_grad_(true);
        (torch.softmax(viaProbs, -1).expand(7, 3) * w).sum().backward();
        Close(A(viaProbs.grad!), logits.grad!, 1e-12);
        Close(A(Family.OneHotCategorical(logits: V(0.3, -0.5, 1.2)).LogProb(s.detach())), d.LogProb(s.detach()), 1e-12);
    }
}
