using System;
using Gen.Probability.Distributions;
using Gen.Probability.Tests.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Kl;

public sealed class KlTests
{
    [Fact]
    public void NormalNormalMatchesClosedForm()
    {
        // KL(N(1, 2²) ‖ N(0, 1)) = log(1/2) + (4 + 1)/2 − 1/2.
        var kl = Probability.Kl.Divergence(Family.Normal(T.S(1), T.S(2)), Family.Normal(T.S(0), T.S(1)));
        T.Close(Math.Log(0.5) + 2.5 - 0.5, kl, 1e-14);
        T.Close(0.0, Probability.Kl.Divergence(Family.Normal(T.S(3), T.S(0.5)), Family.Normal(T.S(3), T.S(0.5))), 0);
    }

    [Fact]
    public void IndependentSumsTheInnerDivergence()
    {
        var p = Family.DiagonalNormal(T.V(0, 1, 2), T.V(1, 2, 3));
        var q = Family.DiagonalNormal(T.V(1, 1, 1), T.V(2, 2, 2));
        var inner = Probability.Kl.Divergence(Family.Normal(T.V(0, 1, 2), T.V(1, 2, 3)), Family.Normal(T.V(1, 1, 1), T.V(2, 2, 2)));
        T.Close(T.D(inner.sum()), Probability.Kl.Divergence(p, q), 1e-14);
        Assert.Empty(Probability.Kl.Divergence(p, q).shape);
    }

    [Fact]
    public void BernoulliAndCategoricalAgreeAndHandleZeroProbabilities()
    {
        var kl = Probability.Kl.Divergence(Family.Bernoulli(probs: T.S(0.3)), Family.Bernoulli(logits: T.S(0.6).logit()));
        T.Close(0.3 * Math.Log(0.3 / 0.6) + 0.7 * Math.Log(0.7 / 0.4), kl, 1e-13);
        var cat = Probability.Kl.Divergence(Family.Categorical(probs: T.V(0.3, 0.7)), Family.Categorical(probs: T.V(0.6, 0.4)));
        T.Close(T.D(kl), cat, 1e-13);
        // p = 0 terms vanish; q = 0 where p > 0 gives +∞.
        T.Close(Math.Log(2), Probability.Kl.Divergence(Family.Bernoulli(probs: T.S(1)), Family.Bernoulli(probs: T.S(0.5))), 1e-14);
        Assert.Equal(double.PositiveInfinity, T.D(Probability.Kl.Divergence(Family.Categorical(probs: T.V(0.5, 0.5)), Family.Categorical(probs: T.V(1, 0)))));
        Assert.Equal(0.0, T.D(Probability.Kl.Divergence(Family.Bernoulli(logits: T.S(100)), Family.Bernoulli(logits: T.S(100)))));
    }

    [Fact]
    public void ClosedFormsAtPoints()
    {
        // Exponential: log(λp/λq) + λq/λp − 1.
        T.Close(Math.Log(2.0 / 3) + 1.5 - 1, Probability.Kl.Divergence(Family.Exponential(T.S(2)), Family.Exponential(T.S(3))), 1e-14);
        // Poisson: λp log(λp/λq) − λp + λq.
        T.Close(2 * Math.Log(2.0 / 5) - 2 + 5, Probability.Kl.Divergence(Family.Poisson(T.S(2)), Family.Poisson(T.S(5))), 1e-14);
        // Uniform(0, 1) against N(0, 1): −0 + ½ log 2π + E[x²]/2 = ½ log 2π + 1/6.
        T.Close(0.5 * Math.Log(2 * Math.PI) + 1.0 / 6, Probability.Kl.Divergence(Family.Uniform(T.S(0), T.S(1)), Family.Normal(T.S(0), T.S(1))), 1e-14);
        // Laplace with equal locations: log(bq/bp) + bp/bq − 1.
        T.Close(Math.Log(2) + 0.5 - 1, Probability.Kl.Divergence(Family.Laplace(T.S(0), T.S(1)), Family.Laplace(T.S(0), T.S(2))), 1e-14);
    }

    [Fact]
    public void MultivariateNormalReducesToTheDiagonalCase()
    {
        var p = Family.MultivariateNormal(T.V(1, 2), torch.diag(T.V(0.5, 2)));
        var q = Family.MultivariateNormal(T.V(0, 0), torch.diag(T.V(1, 3)));
        var expected = Probability.Kl.Divergence(Family.DiagonalNormal(T.V(1, 2), T.V(0.5, 2)), Family.DiagonalNormal(T.V(0, 0), T.V(1, 3)));
        T.Close(expected, Probability.Kl.Divergence(p, q), 1e-12);
    }

    public static TheoryData<string> Pairs() => new(new[]
    {
        "Normal", "Independent", "Bernoulli", "Categorical", "OneHot", "UniformNormal", "Laplace", "Exponential", "Poisson",
        "MultivariateNormal", "Gamma", "Beta", "Dirichlet",
    });

    private static (IDistribution P, IDistribution Q) Pair(string name) => name switch
    {
        "Normal" => (Family.Normal(T.V(0, 1), T.V(1, 0.5)), Family.Normal(T.V(0.5, -1), T.V(2, 1))),
        "Independent" => (Family.DiagonalNormal(T.V(0, 1), T.V(1, 0.5)), Family.DiagonalNormal(T.V(0.5, -1), T.V(2, 1))),
        "Bernoulli" => (Family.Bernoulli(logits: T.V(-1, 2)), Family.Bernoulli(probs: T.V(0.5, 0.2))),
        "Categorical" => (Family.Categorical(logits: T.V(0, 1, 2)), Family.Categorical(probs: T.V(0.5, 0.25, 0.25))),
        "OneHot" => (Family.OneHotCategorical(logits: T.V(0, 1, 2)), Family.OneHotCategorical(probs: T.V(0.5, 0.25, 0.25))),
        "UniformNormal" => (Family.Uniform(T.V(-1, 0), T.V(2, 0.5)), Family.Normal(T.V(0, 1), T.V(1, 2))),
        "Laplace" => (Family.Laplace(T.V(0, 1), T.V(1, 2)), Family.Laplace(T.V(1, -1), T.V(0.5, 3))),
        "Exponential" => (Family.Exponential(T.V(1, 3)), Family.Exponential(T.V(2, 0.5))),
        "Poisson" => (Family.Poisson(T.V(1, 4)), Family.Poisson(T.V(2.5, 3))),
        "MultivariateNormal" => (
            Family.MultivariateNormal(T.V(1, 0), T.M(new double[,] { { 1, 0 }, { 0.5, 0.8 } })),
            Family.MultivariateNormal(T.V(0, 0.5), T.M(new double[,] { { 1.5, 0 }, { -0.3, 1 } }))),
        "Gamma" => (Family.Gamma(T.V(2, 0.8), T.V(1, 3)), Family.Gamma(T.V(3, 1.2), T.V(1.5, 2))),
        "Beta" => (Family.Beta(T.V(2, 0.8), T.V(3, 1.5)), Family.Beta(T.V(1, 2), T.V(1, 2))),
        "Dirichlet" => (Family.Dirichlet(T.V(1, 2, 3)), Family.Dirichlet(T.V(2, 2, 0.5))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void AnalyticKlIsNonNegativeAndAgreesWithMonteCarlo(string name)
    {
        var (p, q) = Pair(name);
        Assert.True(Probability.Kl.HasAnalytic(p, q));
        DistributionLaws.KlIsNonNegative(p, q);
        DistributionLaws.KlAgreesWithMonteCarlo(p, q, 40000, 5, T.Rng(31));
    }

    [Fact]
    public void KlOfADistributionWithItselfIsZero()
    {
        foreach (var name in new[] { "Normal", "Bernoulli", "Categorical", "Laplace", "Exponential", "Poisson", "MultivariateNormal", "Gamma", "Beta", "Dirichlet" })
        {
            var (p, _) = Pair(name);
            Assert.All(T.A(Probability.Kl.Divergence(p, p)), v => Assert.True(Math.Abs(v) < 1e-12, $"{name}: KL(p ‖ p) = {v}"));
        }
    }

    [Fact]
    public void MonteCarloLawCatchesAWrongAnalyticKl()
    {
        // Registering a wrong rule for a private pair type: the Monte Carlo law must reject it.
        Probability.Kl.Register<WrongKlNormal, WrongKlNormal>((p, q) => Probability.Kl.Divergence(p.Inner, q.Inner) + 0.1);
        var p = new WrongKlNormal(Family.Normal(T.S(0), T.S(1)));
        var q = new WrongKlNormal(Family.Normal(T.S(1), T.S(1)));
        var ex = Assert.Throws<LawViolationException>(() => DistributionLaws.KlAgreesWithMonteCarlo(p, q, 20000, 5, T.Rng(32)));
        Assert.Contains("0.6", ex.Message); // the analytic value 0.5 + 0.1
    }

    [Fact]
    public void MissingPairThrowsNamingBothTypesAndSuggestingMonteCarlo()
    {
        var p = Family.Cauchy(T.S(0), T.S(1));
        var q = Family.Normal(T.S(0), T.S(1));
        Assert.False(Probability.Kl.HasAnalytic(p, q));
        var ex = Assert.Throws<NotSupportedException>(() => Probability.Kl.Divergence(p, q));
        Assert.Contains("Cauchy", ex.Message);
        Assert.Contains("Normal", ex.Message);
        Assert.Contains("Kl.MonteCarlo", ex.Message);
    }

    [Fact]
    public void IndependentPairsNeedAnAnalyticInnerPair()
    {
        var cauchy = Family.Independent(Family.Cauchy(T.V(0, 0), T.V(1, 1)), 1);
        var normal = Family.DiagonalNormal(T.V(0, 0), T.V(1, 1));
        Assert.False(Probability.Kl.HasAnalytic(cauchy, normal));
        Assert.Contains("Cauchy", Assert.Throws<NotSupportedException>(() => Probability.Kl.Divergence(cauchy, normal)).Message);
        Assert.False(Probability.Kl.HasAnalytic(Family.Independent(Family.Normal(torch.zeros(2, 2, dtype: torch.float64), T.S(1)), 2), Family.Independent(Family.Normal(torch.zeros(2, 2, dtype: torch.float64), T.S(1)), 1)));
        Assert.True(Probability.Kl.HasAnalytic(normal, normal));
    }

    [Fact]
    public void MonteCarloEstimatesAnyPair()
    {
        // Laplace ‖ Normal has no registered pair but a closed form to check the estimate against.
        var p = Family.Laplace(T.S(0), T.S(1));
        var q = Family.Normal(T.S(0), T.S(2));
        var mc = Probability.Kl.MonteCarlo(p, q, 200000, T.Rng(33));
        // Closed form: −H(p) − E_p log q = −(1 + log 2) + log 2 + ½ log 2π + E[x²]/(2·4), with E[x²] = 2.
        double exact = -(1 + Math.Log(2)) + Math.Log(2) + 0.5 * Math.Log(2 * Math.PI) + 2.0 / 8;
        Assert.InRange(T.D(mc), exact - 0.01, exact + 0.01);
        Assert.Throws<ArgumentOutOfRangeException>(() => Probability.Kl.MonteCarlo(p, q, 0));
    }

    [Fact]
    public void RegistryPrefersTheMostDerivedPair()
    {
        Probability.Kl.Register<Base, Base>((p, q) => T.S(1));
        Probability.Kl.Register<Derived, Base>((p, q) => T.S(2));
        Probability.Kl.Register<IDistribution, Derived>((p, q) => T.S(3));
        Assert.Equal(1.0, T.D(Probability.Kl.Divergence(new Base(), new Base())));
        Assert.Equal(2.0, T.D(Probability.Kl.Divergence(new Derived(), new Base())));
        // (Derived, Derived): (Derived, Base) is one step away, (IDistribution, Derived) is further on p's side.
        Assert.Equal(2.0, T.D(Probability.Kl.Divergence(new Derived(), new Derived())));
        Assert.Equal(3.0, T.D(Probability.Kl.Divergence(Family.Normal(T.S(0), T.S(1)), new Derived())));
        Assert.False(Probability.Kl.HasAnalytic(Family.Normal(T.S(0), T.S(1)), new Base()));
    }

    [Fact]
    public void KlCarriesGradients()
    {
        var loc = T.S(1).requires_grad_();
        var kl = Probability.Kl.Divergence(Family.DiagonalNormal(loc.expand(3), T.V(1, 1, 1)), Family.DiagonalNormal(T.V(0, 0, 0), T.V(1, 1, 1)));
        kl.backward();
        T.Close(3.0, loc.grad!, 1e-14); // d/dμ of 3 · μ²/2 at μ = 1
    }

    private class Base : Distribution
    {
        public Base()
            : base(Array.Empty<long>(), Array.Empty<long>())
        {
        }

        public override bool IsReparameterized => false;

        public override torch.Tensor LogProb(torch.Tensor value) => torch.zeros_like(value);
    }

    private sealed class Derived : Base
    {
    }

    private sealed class WrongKlNormal : IDistribution
    {
        public WrongKlNormal(Normal inner) => Inner = inner;

        public Normal Inner { get; }

        public long[] BatchShape => Inner.BatchShape;

        public long[] EventShape => Inner.EventShape;

        public bool IsReparameterized => true;

        public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) => Inner.Sample(sampleShape, generator);

        public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => Inner.RSample(sampleShape, generator);

        public torch.Tensor LogProb(torch.Tensor value) => Inner.LogProb(value);

        public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null) => Inner.SampleAndLogProb(sampleShape, generator);
    }
}
