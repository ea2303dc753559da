using System;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>
/// Components that are wrong in ways the first laws could not see, each of which a law must now reject, while the
/// library's correct components still pass.
/// </summary>
public sealed class LawsCatchWrongComponentsTests
{
    private static torch.Tensor X(int rows, int columns) =>
        torch.linspace(-1.3, 1.7, rows * columns, dtype: torch.float64).reshape(rows, columns);

    /// <summary>Claims event rank 0 but mixes each pair of neighbours: (a, b) ↦ (2a + b, −a + b).</summary>
    private sealed class PairMixing : IBijector
    {
        public int EventRank => 0;

        public Transformed ForwardAndLogDet(torch.Tensor x)
        {
            var pairs = x.reshape(-1, 2);
            var a = pairs[.., 0];
            var b = pairs[.., 1];
            var y = torch.stack(new[] { 2 * a + b, -a + b }, 1).reshape(x.shape);
            // Column sums of the Jacobian are 1 and 2: log 1 and log 2, as a column-sum check would accept.
            var ld = torch.stack(new[] { torch.zeros_like(a), torch.full_like(b, Math.Log(2)) }, 1).reshape(x.shape);
            return new Transformed(y, ld);
        }

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var pairs = y.reshape(-1, 2);
            var u = pairs[.., 0];
            var v = pairs[.., 1];
            var a = (u - v) / 3;
            var b = (u + 2 * v) / 3;
            var x = torch.stack(new[] { a, b }, 1).reshape(y.shape);
            var ld = torch.stack(new[] { torch.zeros_like(a), torch.full_like(b, -Math.Log(2)) }, 1).reshape(y.shape);
            return new Transformed(x, ld);
        }
    }

    /// <summary>Doubles its input but claims to preserve volume.</summary>
    private sealed class FalselyVolumePreserving : IBijector
    {
        public int EventRank => 1;

        public bool IsVolumePreserving => true;

        public Transformed ForwardAndLogDet(torch.Tensor x) => new(x * 2, torch.full(x.shape[..^1], x.shape[^1] * Math.Log(2), dtype: x.dtype));

        public Transformed InverseAndLogDet(torch.Tensor y) => new(y / 2, torch.full(y.shape[..^1], -y.shape[^1] * Math.Log(2), dtype: y.dtype));
    }

    /// <summary>Remembers the last (x, y) it returned and answers the inverse of that very tensor from memory; its own inverse formula is wrong.</summary>
    private sealed class Remembering : IBijector
    {
        private torch.Tensor? lastX;
        private torch.Tensor? lastY;

        public int EventRank => 1;

        public Transformed ForwardAndLogDet(torch.Tensor x)
        {
            lastX = x;
            lastY = x * 2;
            return new Transformed(lastY, torch.full(x.shape[..^1], x.shape[^1] * Math.Log(2), dtype: x.dtype));
        }

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var x = ReferenceEquals(y, lastY) ? lastX! : y * 1.7;
            return new Transformed(x, torch.full(y.shape[..^1], -y.shape[^1] * Math.Log(2), dtype: y.dtype));
        }
    }

    /// <summary>Sums its log-det over the batch as well: one number for all.</summary>
    private sealed class ScalarLogDet : IBijector
    {
        public int EventRank => 1;

        public Transformed ForwardAndLogDet(torch.Tensor x) => new(x * 2, torch.tensor(x.shape[0] * x.shape[^1] * Math.Log(2), dtype: x.dtype));

        public Transformed InverseAndLogDet(torch.Tensor y) => new(y / 2, torch.tensor(-y.shape[0] * y.shape[^1] * Math.Log(2), dtype: y.dtype));
    }

    [Fact]
    public void A_map_that_claims_to_be_elementwise_but_mixes_entries_is_caught()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.All(new PairMixing(), X(3, 4)));
        Assert.Contains("diagonal", e.Message);
        BijectorLaws.All(Elementwise.Tanh, X(3, 4));
    }

    [Fact]
    public void A_false_claim_of_volume_preservation_is_caught()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.All(new FalselyVolumePreserving(), X(3, 4)));
        Assert.Contains("volume-preserving", e.Message);
        BijectorLaws.All(Permutation.Reverse(4), X(3, 4));
    }

    [Fact]
    public void An_inverse_answered_from_memory_is_checked_on_a_copy()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.RoundTrips(new Remembering(), X(3, 4)));
        Assert.Contains("round trip", e.Message);
    }

    [Fact]
    public void A_log_det_of_the_wrong_shape_is_named_as_such()
    {
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.All(new ScalarLogDet(), X(3, 4)));
        Assert.Contains("log-det has shape []", e.Message);
        Assert.Contains("[3]", e.Message);
    }

    [Fact]
    public void An_empty_batch_is_refused_with_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => BijectorLaws.All(Elementwise.Tanh, torch.zeros(0, 4, dtype: torch.float64)));
        Assert.Contains("non-empty batch", e.Message);
    }

    /// <summary>Scores with the right density but draws from another one.</summary>
    private sealed class WrongSampler : IDistribution
    {
        private readonly IDistribution density;
        private readonly IDistribution sampler;

        public WrongSampler(IDistribution density, IDistribution sampler)
        {
            this.density = density;
            this.sampler = sampler;
        }

        public long[] BatchShape => density.BatchShape;

        public long[] EventShape => density.EventShape;

        public bool IsReparameterized => false;

        public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) => sampler.Sample(sampleShape, generator);

        public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => throw new NotSupportedException();

        public torch.Tensor LogProb(torch.Tensor value) => density.LogProb(value);

        public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
        {
            var x = Sample(sampleShape, generator);
            return new Sampled(x, LogProb(x));
        }
    }

    private static IDistribution Correlated()
    {
        var covariance = torch.tensor(new double[,] { { 1, 0.9 }, { 0.9, 1 } }, dtype: torch.float64);
        return MultivariateNormal.FromCovariance(torch.zeros(2, dtype: torch.float64), covariance);
    }

    [Fact]
    public void A_sampler_at_the_wrong_scale_location_or_correlation_is_caught_without_closed_form_moments()
    {
        var normal = Family.Normal(torch.tensor(0.0, dtype: torch.float64), torch.tensor(1.0, dtype: torch.float64));
        var wide = new WrongSampler(normal, Family.Normal(torch.tensor(0.0, dtype: torch.float64), torch.tensor(1.5, dtype: torch.float64)));
        var shifted = new WrongSampler(normal, Family.Normal(torch.tensor(0.1, dtype: torch.float64), torch.tensor(1.0, dtype: torch.float64)));
        var independent = new WrongSampler(Correlated(), new Independent(Family.Normal(torch.zeros(2, dtype: torch.float64), torch.ones(2, dtype: torch.float64)), 1));
        foreach (var (name, wrong) in new[] { ("wide", wide), ("shifted", shifted), ("independent", (IDistribution)independent) })
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

    /// <summary>Returns one averaged log-density for all its draws.</summary>
    private sealed class AveragingSampler : IDistribution
    {
        private readonly IDistribution inner = Family.Uniform(torch.tensor(0.0, dtype: torch.float64), torch.tensor(1.0, dtype: torch.float64));

        public long[] BatchShape => inner.BatchShape;

        public long[] EventShape => inner.EventShape;

        public bool IsReparameterized => false;

        public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) => inner.Sample(sampleShape, generator);

        public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => throw new NotSupportedException();

        public torch.Tensor LogProb(torch.Tensor value) => inner.LogProb(value);

        public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
        {
            var x = Sample(sampleShape, generator);
            return new Sampled(x, LogProb(x).mean());
        }
    }

    [Fact]
    public void Sample_and_log_prob_of_the_wrong_shape_is_caught()
    {
        var e = Assert.Throws<LawViolationException>(() => DistributionLaws.SampleAndLogProbAgrees(new AveragingSampler(), 16, 1e-6, Seed.Generator(1)));
        Assert.Contains("log-densities of shape []", e.Message);
    }

    /// <summary>A distribution whose log-density is off by a constant; its sampler is right.</summary>
    private sealed class OffByAConstant : IDistribution
    {
        private readonly IDistribution inner;
        private readonly double shift;

        public OffByAConstant(IDistribution inner, double shift)
        {
            this.inner = inner;
            this.shift = shift;
        }

        public long[] BatchShape => inner.BatchShape;

        public long[] EventShape => inner.EventShape;

        public bool IsReparameterized => false;

        public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) => inner.Sample(sampleShape, generator);

        public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => throw new NotSupportedException();

        public torch.Tensor LogProb(torch.Tensor value) => inner.LogProb(value) + shift;

        public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
        {
            var x = Sample(sampleShape, generator);
            return new Sampled(x, LogProb(x));
        }
    }

    [Fact]
    public void A_density_off_by_a_constant_in_three_or_more_dimensions_is_caught_by_sampling()
    {
        var normal3 = new Independent(Family.Normal(torch.tensor(new[] { 0.5, -1, 2 }, dtype: torch.float64), torch.tensor(new[] { 1, 0.3, 2.0 }, dtype: torch.float64)), 1);
        foreach (var shift in new[] { Math.Log(2), -0.05 })
        {
            var e = Assert.Throws<LawViolationException>(() => DistributionLaws.IntegratesToOneBySampling(new OffByAConstant(normal3, shift), 20000, 5, 1e-3, Seed.Generator(8)));
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
