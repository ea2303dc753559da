using System;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

public sealed class ContinuousTests
{
    [Fact]
    public void UniformLogDensityAndMoments()
    {
        var d = Family.Uniform(T.S(-1), T.S(3));
        T.Close(-Math.Log(4), d.LogProb(T.S(0.7)), 1e-14);
        T.Close(torch.distributions.Uniform(T.S(-1), T.S(3)).log_prob(T.V(-0.5, 2.9)), d.LogProb(T.V(-0.5, 2.9)), 1e-14);
        T.Close(1.0, d.Mean);
        T.Close(16.0 / 12, d.Variance, 1e-14);
        T.Close(Math.Log(4), d.Entropy(), 1e-14);
        T.Close(new[] { 0, 0.25, 1 }, d.Cdf(T.V(-5, 0, 10)), 1e-14);
    }

    [Fact]
    public void LaplaceMatchesClosedFormAndTorchSharp()
    {
        var d = Family.Laplace(T.S(1), T.S(2));
        T.Close(-Math.Log(4) - 1.5, d.LogProb(T.S(4)), 1e-14);
        var x = T.V(-3, 0, 1, 8);
        T.Close(torch.distributions.Laplace(T.S(1), T.S(2)).log_prob(x), d.LogProb(x), 1e-13);
        T.Close(new[] { 0.5, 0.5 + 0.5 * (1 - Math.Exp(-1)) }, d.Cdf(T.V(1, 3)), 1e-14);
    }

    [Fact]
    public void LogisticLogDensityIsFiniteFarInTheTails()
    {
        var d = Family.Logistic(T.S(0), T.S(1));
        T.Close(-Math.Log(4), d.LogProb(T.S(0)), 1e-14);
        // log σ(z) σ(-z) ≈ -|z| for large |z|.
        T.Close(new[] { -1000.0, -1000.0 }, d.LogProb(T.V(1000, -1000)), 1e-12);
        T.Close(Math.PI * Math.PI / 3, d.Variance, 1e-14);
    }

    [Fact]
    public void ExponentialLogDensityCdfAndMoments()
    {
        var d = Family.Exponential(T.S(2));
        T.Close(Math.Log(2) - 3, d.LogProb(T.S(1.5)), 1e-14);
        T.Close(1 - Math.Exp(-3), d.Cdf(T.S(1.5)), 1e-14);
        T.Close(0.5, d.Mean);
        T.Close(0.25, d.Variance);
        T.Close(1 - Math.Log(2), d.Entropy(), 1e-14);
    }

    [Fact]
    public void LogNormalIsTheImageOfANormalAndRSampleIsDifferentiable()
    {
        var loc = T.S(0.3).requires_grad_();
        var scale = T.S(0.8).requires_grad_();
        var d = Family.LogNormal(loc, scale);
        var x = T.V(0.5, 1, 4);
        var expected = Family.Normal(T.S(0.3), T.S(0.8)).LogProb(x.log()) - x.log();
        T.Close(expected.detach(), d.LogProb(x).detach(), 1e-14);
        d.RSample(new long[] { 10 }, T.Rng()).sum().backward();
        Assert.NotNull(loc.grad);
        Assert.NotNull(scale.grad);
        Assert.NotEqual(0.0, T.D(scale.grad!));
    }

    [Fact]
    public void HalfNormalIsTwiceTheNormalOnThePositiveHalf()
    {
        var d = Family.HalfNormal(T.S(1.5));
        var x = T.V(0, 0.3, 2);
        T.Close(Family.Normal(T.S(0), T.S(1.5)).LogProb(x) + Math.Log(2), d.LogProb(x), 1e-14);
        T.Close(1.5 * Math.Sqrt(2 / Math.PI), d.Mean, 1e-14);
    }

    [Fact]
    public void CauchyHasNoMeanButHasEntropyAndQuantiles()
    {
        var d = Family.Cauchy(T.S(2), T.S(0.5));
        T.Close(-Math.Log(Math.PI * 0.5), d.LogProb(T.S(2)), 1e-14);
        T.Close(-Math.Log(Math.PI * 0.5) - Math.Log(2), d.LogProb(T.S(2.5)), 1e-14);
        T.Close(Math.Log(4 * Math.PI * 0.5), d.Entropy(), 1e-14);
        T.Close(new[] { 2.0, 2.5 }, d.Icdf(T.V(0.5, 0.75)), 1e-12);
        Assert.Throws<NotSupportedException>(() => ((IDistribution)d).Mean);
    }

    [Fact]
    public void StudentTLogDensityAtPointsAndLimits()
    {
        // ν = 1 is the Cauchy distribution.
        var x = T.V(-2, 0, 0.7);
        T.Close(Family.Cauchy(T.S(0.5), T.S(2)).LogProb(x), Family.StudentT(T.S(1), T.S(0.5), T.S(2)).LogProb(x), 1e-12);
        // ν = 3 at 0: Γ(2)/(Γ(3/2)√(3π)) = 2/(π√3).
        T.Close(Math.Log(2 / (Math.PI * Math.Sqrt(3))), Family.StudentT(T.S(3), T.S(0), T.S(1)).LogProb(T.S(0)), 1e-12);
        var d = Family.StudentT(T.V(0.5, 1.5, 5), T.S(1), T.S(2));
        var mean = T.A(d.Mean);
        Assert.True(double.IsNaN(mean[0]));
        Assert.Equal(1.0, mean[1]);
        var variance = T.A(d.Variance);
        Assert.True(double.IsNaN(variance[0]));
        Assert.Equal(double.PositiveInfinity, variance[1]);
        Assert.Equal(4 * 5 / 3.0, variance[2], 12);
    }

    [Fact]
    public void GammaLogDensityAndEntropyAgainstClosedForms()
    {
        // Gamma(2, 3) at 0.5: 9 · 0.5 · e^{-1.5}.
        var d = Family.Gamma(T.S(2), T.S(3));
        T.Close(Math.Log(9 * 0.5) - 1.5, d.LogProb(T.S(0.5)), 1e-13);
        // Gamma(1, λ) is Exponential(λ).
        T.Close(Family.Exponential(T.S(3)).Entropy(), Family.Gamma(T.S(1), T.S(3)).Entropy(), 1e-13);
        T.Close(Family.Exponential(T.S(3)).LogProb(T.V(0.1, 2)), Family.Gamma(T.S(1), T.S(3)).LogProb(T.V(0.1, 2)), 1e-13);
    }

    [Fact]
    public void GammaRSampleIsReparameterisedInBothParameters()
    {
        var a = T.V(0.7, 3).requires_grad_();
        var b = T.V(2, 0.5).requires_grad_();
        var x = Family.Gamma(a, b).RSample(new long[] { 50 }, T.Rng());
        x.sum().backward();
        Assert.NotNull(a.grad);
        Assert.NotNull(b.grad);
        Assert.All(T.A(a.grad!), g => Assert.True(g > 0, $"d sample / d concentration should be positive, got {g}"));
        Assert.All(T.A(b.grad!), g => Assert.True(g < 0, $"d sample / d rate should be negative, got {g}"));
    }

    [Fact]
    public void GammaImplicitGradientMatchesFiniteDifferenceOfTheMean()
    {
        // E[X] = α for Gamma(α, 1), so d/dα E[X] = 1: the pathwise gradient averaged over many draws must be near 1.
        var a = T.S(2.5).requires_grad_();
        var x = Family.Gamma(a, T.S(1)).RSample(new long[] { 20000 }, T.Rng(5));
        x.mean().backward();
        Assert.InRange(T.D(a.grad!), 0.97, 1.03);
    }

    [Fact]
    public void BetaAndDirichletPathwiseGradientsMatchTheDerivativeOfTheMean()
    {
        // E[X] = a/(a+b) for Beta(a, b): d/da = b/(a+b)², d/db = −a/(a+b)². At (2, 3): 0.12 and −0.08. Small
        // concentrations go through the boosted (α + 1) gamma path, so check one below 1 too: (0.5, 0.5) gives ±0.5.
        var a = T.V(2, 0.5).requires_grad_();
        var b = T.V(3, 0.5).requires_grad_();
        Family.Beta(a, b).RSample(new long[] { 40000 }, T.Rng(8)).mean(new long[] { 0 }).sum().backward();
        var ga = T.A(a.grad!);
        var gb = T.A(b.grad!);
        Assert.InRange(ga[0], 0.11, 0.13);
        Assert.InRange(gb[0], -0.09, -0.07);
        Assert.InRange(ga[1], 0.47, 0.53);
        Assert.InRange(gb[1], -0.53, -0.47);
        // Dirichlet(1, 2, 3): d E[X₀] / d α₀ = (α₀₊ − α₀)/α₀₊² = 5/36.
        var c = T.V(1, 2, 3).requires_grad_();
        Family.Dirichlet(c).RSample(new long[] { 40000 }, T.Rng(9))[.., 0].mean().backward();
        Assert.InRange(T.A(c.grad!)[0], 5.0 / 36 - 0.01, 5.0 / 36 + 0.01);
    }

    [Fact]
    public void BetaAndDirichletAgreeWithTorchSharpLogProb()
    {
        var a = T.V(0.5, 2, 5);
        var b = T.V(0.7, 2, 1.5);
        var x = T.V(0.1, 0.5, 0.93);
        T.Close(torch.distributions.Beta(a, b).log_prob(x), Family.Beta(a, b).LogProb(x), 1e-12);
        var alpha = T.M(new double[,] { { 0.5, 1, 2 }, { 3, 3, 3 } });
        var y = T.M(new double[,] { { 0.2, 0.3, 0.5 }, { 0.1, 0.1, 0.8 } });
        T.Close(torch.distributions.Dirichlet(alpha).log_prob(y), Family.Dirichlet(alpha).LogProb(y), 1e-12);
        // Dirichlet on two categories is Beta on the first coordinate (the density w.r.t. that coordinate).
        T.Close(Family.Beta(T.S(2), T.S(3)).LogProb(T.S(0.3)), Family.Dirichlet(T.V(2, 3)).LogProb(T.V(0.3, 0.7)), 1e-12);
    }

    [Fact]
    public void BetaAndDirichletSamplesAreReparameterisedAndInTheSupport()
    {
        var a = T.V(0.3, 4).requires_grad_();
        var x = Family.Beta(a, T.V(2, 0.2)).RSample(new long[] { 200 }, T.Rng());
        Assert.True(x.gt(0).all().item<bool>() && x.lt(1).all().item<bool>());
        x.sum().backward();
        Assert.NotNull(a.grad);
        Assert.True(T.A(a.grad!).AllFinite());
        var c = T.V(0.5, 1, 2).requires_grad_();
        var y = Family.Dirichlet(c).RSample(new long[] { 100 }, T.Rng());
        T.Close(torch.ones(100, dtype: torch.float64), y.sum(-1).detach(), 1e-12);
        (y[.., 0] * 3 + y[.., 1]).sum().backward();
        Assert.NotNull(c.grad);
    }

    [Fact]
    public void MultivariateNormalMatchesTorchSharpAndDiagonalCase()
    {
        var loc = T.V(1, -1);
        var l = T.M(new double[,] { { 2, 0 }, { 0.5, 1 } });
        var d = Family.MultivariateNormal(loc, l);
        var x = torch.randn(new long[] { 5, 2 }, dtype: torch.float64, generator: T.Rng(2));
        T.Close(torch.distributions.MultivariateNormal(loc, scale_tril: l).log_prob(x), d.LogProb(x), 1e-12);
        var diag = Family.MultivariateNormal(loc, torch.diag(T.V(2, 3)));
        T.Close(Family.DiagonalNormal(loc, T.V(2, 3)).LogProb(x), diag.LogProb(x), 1e-12);
        T.Close(Family.DiagonalNormal(loc, T.V(2, 3)).Entropy(), diag.Entropy(), 1e-12);
        var cov = Family.MultivariateNormalFromCovariance(loc, l.matmul(l.T));
        T.Close(d.LogProb(x), cov.LogProb(x), 1e-12);
        T.Close(new[] { 4, 1.25 }, d.Variance, 1e-14);
    }

    [Fact]
    public void MultivariateNormalBroadcastsBatches()
    {
        var loc = torch.zeros(3, 2, dtype: torch.float64);
        var l = torch.eye(2, dtype: torch.float64);
        var d = Family.MultivariateNormal(loc, l);
        Assert.Equal(new long[] { 3 }, d.BatchShape);
        Assert.Equal(new long[] { 4, 3, 2 }, d.RSample(new long[] { 4 }, T.Rng()).shape);
        Assert.Equal(new long[] { 4, 3 }, d.LogProb(torch.zeros(4, 3, 2, dtype: torch.float64)).shape);
        Assert.Throws<GenShapeException>(() => Family.MultivariateNormal(T.V(0, 0, 0), l));
    }

    [Fact]
    public void MixtureOfNormalsLogDensityIsLogSumExp()
    {
        var mix = Family.Categorical(probs: T.V(0.3, 0.7));
        var comp = Family.Normal(T.V(-1, 2), T.V(0.5, 1));
        var d = Family.MixtureSameFamily(mix, comp);
        var x = T.V(-1, 0, 2.5);
        var expected = (0.3 * comp.LogProb(x.unsqueeze(-1)).exp()[.., 0] + 0.7 * comp.LogProb(x.unsqueeze(-1)).exp()[.., 1]).log();
        T.Close(expected, d.LogProb(x), 1e-13);
        T.Close(0.3 * -1 + 0.7 * 2, d.Mean, 1e-14);
        Assert.Equal(new long[] { 6 }, d.Sample(new long[] { 6 }, T.Rng()).shape);
        Assert.Throws<GenShapeException>(() => Family.MixtureSameFamily(mix, Family.Normal(T.V(0, 1, 2), T.S(1))));
    }

    [Fact]
    public void MixtureOfDiagonalNormalsHasVectorEvents()
    {
        var mix = Family.Categorical(logits: T.V(0, 0));
        var comp = Family.DiagonalNormal(T.M(new double[,] { { 0, 0 }, { 3, 3 } }), torch.ones(2, 2, dtype: torch.float64));
        var d = Family.MixtureSameFamily(mix, comp);
        Assert.Equal(new long[] { 2 }, d.EventShape);
        var s = d.Sample(new long[] { 4 }, T.Rng());
        Assert.Equal(new long[] { 4, 2 }, s.shape);
        Assert.Equal(new long[] { 4 }, d.LogProb(s).shape);
    }

    [Fact]
    public void DeltaPutsAllMassOnItsPoint()
    {
        var point = T.V(1, 2).requires_grad_();
        var d = Family.Delta(point, 1);
        Assert.Equal(new long[] { 2 }, d.EventShape);
        Assert.Equal(0.0, T.D(d.LogProb(T.V(1, 2))));
        var s = d.RSample(new long[] { 3 });
        Assert.Equal(new long[] { 3, 2 }, s.shape);
        s.sum().backward();
        T.Close(new double[] { 3, 3 }, point.grad!);
    }
}
