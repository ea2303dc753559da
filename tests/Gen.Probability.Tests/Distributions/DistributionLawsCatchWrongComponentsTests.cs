using System;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

/// <summary>
/// Distributions that are wrong in ways the first laws could not see (a sampler from another distribution without
/// closed-form moments, a constant missing from a density over three or more numbers, a log-density of the wrong
/// shape), each of which a law must now reject, while correct distributions still pass.
/// </summary>
public sealed class DistributionLawsCatchWrongComponentsTests
{
    private static IDistribution DrawingFrom(IDistribution density, IDistribution sampler) =>
        new TamperedDistribution(density, sample: sampler.Sample);

    private static IDistribution Correlated()
    {
        var covariance = torch.tensor(new double[,] { { 1, 0.9 }, { 0.9, 1 } }, dtype: torch.float64);
        return MultivariateNormal.FromCovariance(torch.zeros(2, dtype: torch.float64), covariance);
    }

    [Fact]
    public void A_sampler_at_the_wrong_scale_location_or_correlation_is_caught_without_closed_form_moments()
    {
        var normal = Family.Normal(torch.tensor(0.0, dtype: torch.float64), torch.tensor(1.0, dtype: torch.float64));
        // Each scores with the right density but draws from another distribution.
        var wide = DrawingFrom(normal, Family.Normal(torch.tensor(0.0, dtype: torch.float64), torch.tensor(1.5, dtype: torch.float64)));
        var shifted = DrawingFrom(normal, Family.Normal(torch.tensor(0.1, dtype: torch.float64), torch.tensor(1.0, dtype: torch.float64)));
        var independent = DrawingFrom(Correlated(), new Independent(Family.Normal(torch.zeros(2, dtype: torch.float64), torch.ones(2, dtype: torch.float64)), 1));
        foreach (var (name, wrong) in new[] { ("wide", wide), ("shifted", shifted), ("independent", independent) })
        {
            var e = Assert.Throws<LawViolationException>(() => DistributionLaws.SamplesFollowTheDensity(wrong, 20000, 5, Seed.Generator(3)));
            Assert.Contains("do not follow its density", e.Message);
        }

        // Their own samplers pass: a normal, the correlated normal, a heavy-tailed Student t and a logistic, batched.
        DistributionLaws.SamplesFollowTheDensity(normal, 20000, 5, Seed.Generator(4));
        DistributionLaws.SamplesFollowTheDensity(Correlated(), 20000, 5, Seed.Generator(5));
        DistributionLaws.SamplesFollowTheDensity(Family.StudentT(torch.tensor(new[] { 3.0, 10 }, dtype: torch.float64), torch.zeros(2, dtype: torch.float64), torch.ones(2, dtype: torch.float64)), 20000, 5, Seed.Generator(6));
        DistributionLaws.SamplesFollowTheDensity(Family.Logistic(torch.tensor(new[] { -1.0, 2 }, dtype: torch.float64), torch.tensor(new[] { 0.5, 2 }, dtype: torch.float64)), 20000, 5, Seed.Generator(7));
    }

    [Fact]
    public void Sample_and_log_prob_of_the_wrong_shape_is_caught()
    {
        // One averaged log-density for all its draws.
        var uniform = Family.Uniform(torch.tensor(0.0, dtype: torch.float64), torch.tensor(1.0, dtype: torch.float64));
        var averaging = new TamperedDistribution(uniform, sampleAndLogProb: (shape, g) =>
        {
            var x = uniform.Sample(shape, g);
            return new Sampled(x, uniform.LogProb(x).mean());
        });
        var e = Assert.Throws<LawViolationException>(() => DistributionLaws.SampleAndLogProbAgrees(averaging, 16, 1e-6, Seed.Generator(1)));
        Assert.Contains("log-densities of shape []", e.Message);
    }

    [Fact]
    public void A_density_off_by_a_constant_in_three_or_more_dimensions_is_caught_by_sampling()
    {
        var normal3 = new Independent(Family.Normal(torch.tensor(new[] { 0.5, -1, 2 }, dtype: torch.float64), torch.tensor(new[] { 1, 0.3, 2.0 }, dtype: torch.float64)), 1);
        foreach (var shift in new[] { Math.Log(2), -0.05 })
        {
            var offset = new TamperedDistribution(normal3, logProb: v => normal3.LogProb(v) + shift);
            var e = Assert.Throws<LawViolationException>(() => DistributionLaws.IntegratesToOneBySampling(offset, 20000, 5, 1e-3, Seed.Generator(8)));
            Assert.Contains("integrates to", e.Message);
        }

        // Correct densities pass: the 3-D normal, a correlated 4-D normal, batched 5-D logistics, a Student t.
        DistributionLaws.IntegratesToOneBySampling(normal3, 20000, 5, 1e-3, Seed.Generator(9));
        var a = torch.tensor(new double[,] { { 1, 0, 0, 0 }, { 0.8, 0.6, 0, 0 }, { -0.3, 0.2, 0.9, 0 }, { 0.1, 0.1, 0.1, 0.5 } }, dtype: torch.float64);
        DistributionLaws.IntegratesToOneBySampling(new MultivariateNormal(torch.ones(4, dtype: torch.float64), a), 20000, 5, 1e-3, Seed.Generator(10));
        var logistic = new Independent(Family.Logistic(torch.zeros(2, 5, dtype: torch.float64), torch.full(new long[] { 2, 5 }, 0.7, dtype: torch.float64)), 1);
        DistributionLaws.IntegratesToOneBySampling(logistic, 20000, 5, 1e-3, Seed.Generator(11));
        DistributionLaws.IntegratesToOneBySampling(new Independent(Family.StudentT(torch.full(3, 4.0, dtype: torch.float64), torch.zeros(3, dtype: torch.float64), torch.ones(3, dtype: torch.float64)), 1), 20000, 5, 1e-3, Seed.Generator(12));
    }
}
