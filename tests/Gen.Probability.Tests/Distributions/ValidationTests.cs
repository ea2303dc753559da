using System;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

[Collection(ValidationCollection.Name)]
public sealed class ValidationTests
{
    [Theory]
    [InlineData("Normal")]
    [InlineData("Laplace")]
    [InlineData("Logistic")]
    [InlineData("LogNormal")]
    [InlineData("Cauchy")]
    [InlineData("HalfNormal")]
    public void NegativeScaleNamesTheParameterAndTheValue(string family)
    {
        var scale = T.V(1, -2.5);
        Func<IDistribution> make = family switch
        {
            "Normal" => () => Family.Normal(T.S(0), scale),
            "Laplace" => () => Family.Laplace(T.S(0), scale),
            "Logistic" => () => Family.Logistic(T.S(0), scale),
            "LogNormal" => () => Family.LogNormal(T.S(0), scale),
            "Cauchy" => () => Family.Cauchy(T.S(0), scale),
            _ => () => Family.HalfNormal(scale),
        };
        var ex = Assert.Throws<ArgumentException>(make);
        Assert.Contains(family, ex.Message);
        Assert.Contains("'scale'", ex.Message);
        Assert.Contains("-2.5", ex.Message);
        Assert.Equal("scale", ex.ParamName);
    }

    [Fact]
    public void OtherInvalidParametersAreNamed()
    {
        Assert.Contains("'probs'", Assert.Throws<ArgumentException>(() => Family.Bernoulli(probs: T.V(0.5, 1.5))).Message);
        Assert.Contains("1.5", Assert.Throws<ArgumentException>(() => Family.Bernoulli(probs: T.V(0.5, 1.5))).Message);
        Assert.Contains("'rate'", Assert.Throws<ArgumentException>(() => Family.Exponential(T.S(0))).Message);
        Assert.Contains("'rate'", Assert.Throws<ArgumentException>(() => Family.Poisson(T.S(-1))).Message);
        Assert.Contains("'concentration'", Assert.Throws<ArgumentException>(() => Family.Gamma(T.S(-1), T.S(1))).Message);
        Assert.Contains("'concentration0'", Assert.Throws<ArgumentException>(() => Family.Beta(T.S(1), T.S(0))).Message);
        Assert.Contains("'concentration'", Assert.Throws<ArgumentException>(() => Family.Dirichlet(T.V(1, -1))).Message);
        Assert.Contains("high - low", Assert.Throws<ArgumentException>(() => Family.Uniform(T.S(1), T.S(1))).Message);
        Assert.Contains("'df'", Assert.Throws<ArgumentException>(() => Family.StudentT(T.S(0), T.S(0), T.S(1))).Message);
        Assert.Contains("'totalCount'", Assert.Throws<ArgumentException>(() => Family.Binomial(T.S(2.5), probs: T.S(0.5))).Message);
        Assert.Contains("scaleTril", Assert.Throws<ArgumentException>(() => Family.MultivariateNormal(T.V(0, 0), T.M(new double[,] { { 1, 0 }, { 0, -1 } }))).Message);
        Assert.Contains("'loc'", Assert.Throws<ArgumentException>(() => Family.Normal(T.S(double.NaN), T.S(1))).Message);
    }

    [Fact]
    public void ValuesOutsideTheSupportRaiseWithTheValueWhenValidating()
    {
        Assert.True(Distribution.Validate);
        var cases = new (IDistribution D, torch.Tensor X, string Bad)[]
        {
            (Family.Bernoulli(logits: T.S(0)), T.V(0, 0.5), "0.5"),
            (Family.Exponential(T.S(1)), T.V(1, -0.25), "-0.25"),
            (Family.Uniform(T.S(0), T.S(1)), T.V(1.75), "1.75"),
            (Family.Poisson(T.S(2)), T.V(2, 1.5), "1.5"),
            (Family.Categorical(logits: T.V(0, 0, 0)), T.V(3), "3"),
            (Family.Gamma(T.S(2), T.S(1)), T.V(-1), "-1"),
            (Family.Beta(T.S(2), T.S(2)), T.V(1.25), "1.25"),
            (Family.LogNormal(T.S(0), T.S(1)), T.V(-3), "-3"),
            (Family.Binomial(T.S(4), probs: T.S(0.5)), T.V(5), "5"),
            (Family.Dirichlet(T.V(1, 1)), T.V(0.5, 0.75), "0.5"),
            (Family.OneHotCategorical(logits: T.V(0, 0)), T.V(1, 1), "1"),
        };
        foreach (var (d, x, bad) in cases)
        {
            var ex = Assert.Throws<ArgumentException>(() => d.LogProb(x));
            Assert.Contains(d.GetType().Name, ex.Message);
            Assert.Contains($"value {bad} ", ex.Message);
            Assert.Contains("support", ex.Message);
        }
    }

    [Fact]
    public void ValuesOutsideTheSupportGiveMinusInfinityWithoutValidation()
    {
        Distribution.Validate = false;
        try
        {
            Assert.Equal(new[] { Math.Log(0.5), double.NegativeInfinity }, T.A(Family.Bernoulli(logits: T.S(0)).LogProb(T.V(1, 0.5))));
            Assert.Equal(double.NegativeInfinity, T.A(Family.Exponential(T.S(1)).LogProb(T.V(1, -0.25)))[1]);
            Assert.Equal(new[] { 0, double.NegativeInfinity }, T.A(Family.Uniform(T.S(0), T.S(1)).LogProb(T.V(0.5, 1.75))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Poisson(T.S(2)).LogProb(T.S(1.5))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Categorical(logits: T.V(0, 0)).LogProb(T.S(-1))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Gamma(T.S(2), T.S(1)).LogProb(T.S(-1))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Beta(T.S(0.5), T.S(0.5)).LogProb(T.S(0))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.LogNormal(T.S(0), T.S(1)).LogProb(T.S(-3))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Binomial(T.S(4), logits: T.S(0)).LogProb(T.S(5))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Dirichlet(T.V(1, 1)).LogProb(T.V(0.5, 0.75))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.OneHotCategorical(logits: T.V(0, 0)).LogProb(T.V(1, 1))));
            Assert.Equal(double.NegativeInfinity, T.D(Family.Delta(T.S(2)).LogProb(T.S(2.5))));
            // With validation off, invalid parameters are not checked either.
            var lp = Family.Normal(T.S(0), T.S(-1)).LogProb(T.S(0));
            Assert.True(double.IsNaN(T.D(lp)));
        }
        finally
        {
            Distribution.Validate = true;
        }
    }

    [Fact]
    public void SupportEdgesAreFinite()
    {
        Assert.Equal(Math.Log(2), T.D(Family.Exponential(T.S(2)).LogProb(T.S(0))), 14);
        Assert.Equal(-Math.Log(2), T.D(Family.Uniform(T.S(1), T.S(3)).LogProb(T.S(3))), 14);
        Assert.Equal(Math.Log(0.3), T.D(Family.Geometric(probs: T.S(0.3)).LogProb(T.S(0))), 14);
        Assert.Equal(0.0, T.D(Family.Binomial(T.S(3), probs: T.S(1)).LogProb(T.S(3))));
        Assert.Equal(0.0, T.D(Family.Binomial(T.S(3), probs: T.S(0)).LogProb(T.S(0))));
    }
}
