using System;
using System.Collections.Generic;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

public sealed class LawTests
{
    private static readonly Dictionary<string, Func<IDistribution>> Families = new()
    {
        ["Normal"] = () => Family.Normal(T.V(-1, 0.5), T.V(0.5, 2)),
        ["DiagonalNormal"] = () => Family.DiagonalNormal(T.V(-1, 0.5), T.V(0.5, 2)),
        ["Uniform"] = () => Family.Uniform(T.V(-1, 2), T.V(3, 2.5)),
        ["Laplace"] = () => Family.Laplace(T.V(0, 3), T.V(1, 0.25)),
        ["Logistic"] = () => Family.Logistic(T.V(0, -2), T.V(0.5, 1)),
        ["Exponential"] = () => Family.Exponential(T.V(0.5, 4)),
        ["LogNormal"] = () => Family.LogNormal(T.V(0, -0.5), T.V(0.25, 0.5)),
        ["HalfNormal"] = () => Family.HalfNormal(T.V(0.5, 2)),
        ["StudentT"] = () => Family.StudentT(T.V(5, 9), T.V(0, 1), T.V(1, 0.5)),
        ["Gamma"] = () => Family.Gamma(T.V(0.8, 4), T.V(1, 2)),
        ["Beta"] = () => Family.Beta(T.V(0.7, 3), T.V(2, 5)),
        ["Dirichlet"] = () => Family.Dirichlet(T.M(new double[,] { { 0.5, 1, 2 }, { 4, 2, 3 } })),
        ["MultivariateNormal"] = () => Family.MultivariateNormal(T.V(1, -1), T.M(new double[,] { { 1, 0 }, { 0.8, 0.6 } })),
        ["Bernoulli"] = () => Family.Bernoulli(logits: T.V(-2, 0.3)),
        ["Categorical"] = () => Family.Categorical(logits: T.V(0.1, -1, 2)),
        ["OneHotCategorical"] = () => Family.OneHotCategorical(logits: T.V(0.1, -1, 2)),
        ["Poisson"] = () => Family.Poisson(T.V(0.5, 6)),
        ["Geometric"] = () => Family.Geometric(probs: T.V(0.3, 0.8)),
        ["Binomial"] = () => Family.Binomial(T.V(4, 10), probs: T.V(0.3, 0.6)),
        ["Mixture"] = () => Family.MixtureSameFamily(Family.Categorical(probs: T.V(0.3, 0.7)), Family.Normal(T.V(-1, 2), T.V(0.5, 1))),
        ["Cauchy"] = () => Family.Cauchy(T.V(0, 1), T.V(1, 2)),
    };

    public static TheoryData<string> All() => new(Families.Keys);

    public static TheoryData<string> WithMoments() => new(new[] { "Normal", "DiagonalNormal", "Uniform", "Laplace", "Logistic", "Exponential", "LogNormal", "HalfNormal", "StudentT", "Gamma", "Beta", "Dirichlet", "MultivariateNormal", "Bernoulli", "OneHotCategorical", "Poisson", "Geometric", "Binomial", "Mixture" });

    public static TheoryData<string> ContinuousScalar() => new(new[] { "Normal", "Uniform", "Laplace", "Logistic", "Exponential", "LogNormal", "HalfNormal", "StudentT", "Gamma", "Beta", "Mixture", "Cauchy" });

    public static TheoryData<string> WithEntropy() => new(EntropyFamilies);

    private static readonly string[] EntropyFamilies = { "Normal", "DiagonalNormal", "Uniform", "Laplace", "Logistic", "Exponential", "LogNormal", "HalfNormal", "StudentT", "Gamma", "Beta", "Dirichlet", "MultivariateNormal", "Bernoulli", "Categorical", "OneHotCategorical", "Geometric", "Cauchy" };

    [Theory]
    [MemberData(nameof(All))]
    public void SampleAndLogProbAgree(string family) =>
        DistributionLaws.SampleAndLogProbAgrees(Families[family](), 64, 1e-10, T.Rng(21));

    [Theory]
    [MemberData(nameof(WithMoments))]
    public void MomentsMatch(string family) =>
        DistributionLaws.MomentsMatch(Families[family](), 40000, 5, T.Rng(22));

    [Theory]
    [MemberData(nameof(ContinuousScalar))]
    public void DensityIntegratesToOne(string family)
    {
        var d = Families[family]();
        // Each family's support, wide enough that the tails are negligible (heavy tails get a wide interval and a looser bound).
        var (lo, hi, tol) = family switch
        {
            "Uniform" => (-1.0, 3.0, 2e-3),
            "Exponential" or "HalfNormal" => (0.0, 60.0, 2e-3),
            "Gamma" => (1e-12, 60.0, 2e-3),
            "LogNormal" => (1e-9, 20.0, 2e-3),
            "Beta" => (1e-9, 1 - 1e-9, 2e-3),
            "Cauchy" => (-4000.0, 4000.0, 2e-3),
            "StudentT" => (-200.0, 200.0, 2e-3),
            _ => (-40.0, 40.0, 1e-3),
        };
        // The grid must lie in every batch element's support, and trapezoids need a bounded density: these families
        // get parameters that satisfy both (the batches above have different supports or singular densities at 0).
        d = family switch
        {
            "Uniform" => Family.Uniform(T.V(-1, -1), T.V(3, 3)),
            "Gamma" => Family.Gamma(T.V(1.5, 4), T.V(1, 2)),
            "Beta" => Family.Beta(T.V(1.5, 3), T.V(2, 5)),
            _ => d,
        };

        DistributionLaws.IntegratesToOne(d, lo, hi, family is "Cauchy" ? 400001 : 20001, tol);
    }

    [Fact]
    public void VectorDensitiesIntegrateToOneInTwoDimensions()
    {
        DistributionLaws.IntegratesToOne2D(Families["MultivariateNormal"](), -8, 8, 401, 1e-3);
        DistributionLaws.IntegratesToOne2D(Families["DiagonalNormal"](), -10, 10, 401, 1e-3);
    }

    [Fact]
    public void DiscreteMassesSumToOne()
    {
        DistributionLaws.SumsToOne(Families["Bernoulli"](), T.V(0, 1), 1e-12);
        DistributionLaws.SumsToOne(Families["Categorical"](), T.V(0, 1, 2), 1e-12);
        DistributionLaws.SumsToOne(Families["OneHotCategorical"](), torch.eye(3, dtype: torch.float64), 1e-12);
        DistributionLaws.SumsToOne(Families["Poisson"](), torch.arange(0, 80, dtype: torch.float64), 1e-10);
        DistributionLaws.SumsToOne(Families["Geometric"](), torch.arange(0, 200, dtype: torch.float64), 1e-10);
        // The enumeration must lie in the support of every batch element, so both counts are 10 here.
        DistributionLaws.SumsToOne(Family.Binomial(T.V(10, 10), logits: T.V(-0.5, 2)), torch.arange(0, 11, dtype: torch.float64), 1e-10);
    }

    [Theory]
    [MemberData(nameof(WithEntropy))]
    public void EntropyIsMinusTheExpectedLogDensity(string family)
    {
        var d = Families[family]();
        long n = 40000;
        var lp = d.LogProb(d.Sample(new[] { n }, T.Rng(23)));
        var estimate = -lp.mean(new long[] { 0 });
        var se = lp.std(0) / Math.Sqrt(n);
        var z = T.A((estimate - d.Entropy()).abs() / (5 * se + 1e-9));
        Assert.All(z, v => Assert.True(v <= 1, $"{family}: entropy {string.Join(", ", T.A(d.Entropy()))} vs Monte Carlo {string.Join(", ", T.A(estimate))}"));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void PublicMethodsLeaveOnlyTheirResultsInTheCallersScope(string family)
    {
        var d = Families[family]();
        var x = d.Sample(new long[] { 3 }, T.Rng(24));
        using var scope = torch.NewDisposeScope();
        int before = scope.DisposablesCount;
        d.LogProb(x);
        Assert.Equal(before + 1, scope.DisposablesCount);
        d.SampleAndLogProb(new long[] { 2 }, T.Rng(25));
        Assert.Equal(before + 3, scope.DisposablesCount);
        if (Array.IndexOf(EntropyFamilies, family) >= 0)
        {
            d.Entropy();
            Assert.InRange(scope.DisposablesCount, before + 3, before + 4);
        }
    }

    [Fact]
    public void LawsDetectAWrongDensity()
    {
        // A normal whose log-density is off by log 2: sampling is right, normalisation and agreement are not.
        var wrong = Shifted(Family.Normal(T.S(0), T.S(1)), Math.Log(2));
        var e1 = Assert.Throws<LawViolationException>(() => DistributionLaws.IntegratesToOne(wrong, -20, 20));
        Assert.Contains("integrates to 2", e1.Message);
        var e2 = Assert.Throws<LawViolationException>(() => DistributionLaws.SampleAndLogProbAgrees(wrong, 8, 1e-8, T.Rng()));
        Assert.Contains("SampleAndLogProb", e2.Message);
        Assert.Throws<LawViolationException>(() => DistributionLaws.SumsToOne(Shifted(Family.Bernoulli(probs: T.S(0.3)), 0.1), T.V(0, 1)));
    }

    [Fact]
    public void MomentsLawDetectsAWrongVariance()
    {
        // Laplace(0, 1) has variance 2; a normal with the same mean but variance 1 must be caught.
        var liar = new ClaimsMoments(Family.Laplace(T.S(0), T.S(1)), T.S(0), T.S(1));
        var ex = Assert.Throws<LawViolationException>(() => DistributionLaws.MomentsMatch(liar, 20000, 5, T.Rng()));
        Assert.Contains("variance", ex.Message);
    }

    /// <summary>The distribution with a constant added to LogProb only (not to SampleAndLogProb).</summary>
    private static IDistribution Shifted(IDistribution inner, double shift) =>
        new TamperedDistribution(inner, logProb: v => inner.LogProb(v) + shift, sampleAndLogProb: inner.SampleAndLogProb);

    /// <summary>Wraps a distribution but reports other moments.</summary>
    private sealed class ClaimsMoments : IDistribution
    {
        private readonly IDistribution inner;

        public ClaimsMoments(IDistribution inner, torch.Tensor mean, torch.Tensor variance)
        {
            this.inner = inner;
            Mean = mean;
            Variance = variance;
        }

        public torch.Tensor Mean { get; }

        public torch.Tensor Variance { get; }

        public long[] BatchShape => inner.BatchShape;

        public long[] EventShape => inner.EventShape;

        public bool IsReparameterized => inner.IsReparameterized;

        public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) => inner.Sample(sampleShape, generator);

        public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => inner.RSample(sampleShape, generator);

        public torch.Tensor LogProb(torch.Tensor value) => inner.LogProb(value);

        public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null) => inner.SampleAndLogProb(sampleShape, generator);
    }
}
