using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Gen.Probability.Tests.Reference;

/// <summary>
/// Log-densities, entropies, moments, CDFs, quantiles and every registered analytic KL, in float64, against values
/// computed independently in 50-digit arithmetic (Reference/generate.py, mpmath; written to reference.json).
/// </summary>
/// <remarks>
/// The error of a case is measured in units of 2⁻⁵² (one ulp at 1) times max(|expected|, scale), where scale is the
/// largest term of the textbook formula that generate.py recorded with the case: a float64 sum cannot be more accurate
/// than a few ulps of its largest term, nor a function more accurate than its rounded argument allows. For most cases
/// scale ≤ |expected| and the bound is plain relative error. Where a case's scale is far above its value the formula
/// is ill-conditioned there, and the family and quantity must appear in <see cref="Conditioned"/> with the reason, so
/// that no imprecision hides behind the scale unremarked.
/// </remarks>
public class ReferenceTests
{
    /// <summary>The default bound, in ulps of max(|expected|, scale).</summary>
    private const double DefaultUlps = 4;

    /// <summary>Looser bounds where Gen's formula, not the float64 format, limits the precision.</summary>
    private static readonly Dictionary<string, Bound> Looser = new()
    {
        // Woodbury: xᵀΣ⁻¹x = xᵀD⁻¹x − |C⁻¹ᐟ² WᵀD⁻¹x|². In the case W = (1000, 1000)ᵀ, d = 10⁻³ the two terms are ≈ 2000
        // and the difference ≈ 1 (measured: 46 ulps of the value). The O(D R²) cost is the point of the family.
        ["LowRankMultivariateNormal.log_prob"] = new(64, "Woodbury cancellation when W Wᵀ dominates diag(d)"),

        // From probabilities, t = log λ − log1p(−λ) is rounded before the normaliser, mean, CDF and quantile use it
        // (measured: up to 5.7 ulps, the quantile at λ = 10⁻⁶).
        ["ContinuousBernoulli"] = new(8, "logit λ is rounded before it is used"),
    };

    /// <summary>Family.quantity (or family, or KL.p|q) whose cases may have a scale well above |expected|, and why.</summary>
    private static readonly Dictionary<string, string> Conditioned = new()
    {
        // lgamma is accurate to a few ulps of each value; log-normalisers are differences of such values that nearly
        // cancel for large parameters (StudentT at ν = 10¹⁰ subtracts two log-gamma values of 10¹¹).
        ["StudentT"] = "differences of log-gamma values",
        ["Gamma"] = "differences of log-gamma values",
        ["Beta"] = "differences of log-gamma values",
        ["Dirichlet"] = "differences of log-gamma values",
        ["Binomial.log_prob"] = "log-binomial coefficient as a difference of log-gamma values",
        ["Poisson.log_prob"] = "k log λ − λ − log k! cancel near the mode",
        ["KL.Gamma|Gamma"] = "differences of log-gamma values",
        ["KL.Beta|Beta"] = "differences of log-gamma values",
        ["KL.Dirichlet|Dirichlet"] = "differences of log-gamma values",

        // A log-density (or entropy) near zero is a sum of O(1) terms that cancel.
        ["Normal.log_prob"] = "terms of order one that cancel",
        ["Normal.entropy"] = "log σ cancels ½ log(2πe)",
        ["LogNormal.log_prob"] = "terms of order one that cancel",
        ["Categorical.log_prob"] = "logits minus their log-sum-exp",
        ["OneHotCategorical.log_prob"] = "logits minus their log-sum-exp",
        ["ContinuousBernoulli"] = "log C(λ) cancels x log λ + (1 − x) log(1 − λ) near λ = ½",
        ["DiscretizedLogisticMixture.log_prob"] = "log-weights and log-masses of larger magnitude",

        // The KL of nearly equal distributions is a difference of terms of order one.
        ["KL.Normal|Normal"] = "nearly equal distributions",
        ["KL.Laplace|Laplace"] = "nearly equal distributions",
        ["KL.Exponential|Exponential"] = "nearly equal distributions",
        ["KL.Poisson|Poisson"] = "nearly equal distributions",
        ["KL.Bernoulli|Bernoulli"] = "nearly equal distributions",

        // A CDF or quantile inherits the rounding of its argument, (x − loc)/scale or p, times its derivative.
        ["Normal.cdf"] = "rounded argument in the tail",
        ["Normal.icdf"] = "rounded argument in the tail",
        ["Laplace.cdf"] = "rounded argument in the tail",
        ["Logistic.cdf"] = "rounded argument in the tail",
        ["Cauchy.icdf"] = "rounded argument in the tail",
        ["Uniform.cdf"] = "(x − low)/(high − low) from larger terms",
        ["Uniform.mean"] = "(low + high)/2 from larger terms",
        ["DiscretizedLogistic.log_prob"] = "bin edges (level − loc)/s are rounded first; tiny scales magnify that",
    };

    public static IEnumerable<object[]> Cases() => ReferenceTable.Ids(_ => true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Agrees_with_the_50_digit_reference(string id)
    {
        var c = ReferenceTable.Cases[id];
        var got = ReferenceTable.Evaluate(c);
        Assert.True(got.Length == c.Expected.Length, $"{id}: Gen gives {got.Length} values, the reference {c.Expected.Length}.");
        double ulps = Find(Looser, c)?.Ulps ?? DefaultUlps;
        for (int i = 0; i < got.Length; i++)
        {
            double e = c.Expected[i];
            double g = got[i];
            if (!double.IsFinite(e))
            {
                Assert.True(g.Equals(e), $"{id}[{i}]: expected {e}, got {g:R}.");
                continue;
            }

            double reach = Math.Max(Math.Abs(e), c.Scale);
            Assert.True(
                c.Scale <= 16 * Math.Abs(e) || Find(Conditioned, c) is not null,
                $"{id}[{i}]: scale {c.Scale:R} is far above |expected| = {Math.Abs(e):R}; say why in Conditioned.");
            double error = reach == 0 ? (g == 0 ? 0 : double.PositiveInfinity) : Math.Abs(g - e) / (Math.Pow(2, -52) * reach);
            Assert.True(error <= ulps, $"{id}[{i}]: expected {e:R}, got {g:R}: {error:F1} ulps of {reach:R} (bound {ulps}).");
        }
    }

    [Fact]
    public void The_table_covers_every_family_and_every_registered_kl_pair()
    {
        var families = ReferenceTable.Cases.Values.Select(c => c.Family).ToHashSet();
        foreach (var f in new[]
        {
            "Normal", "Uniform", "Laplace", "Logistic", "StudentT", "Cauchy", "Exponential", "Gamma", "Beta", "Dirichlet",
            "LogNormal", "HalfNormal", "MultivariateNormal", "LowRankMultivariateNormal", "Bernoulli", "Categorical",
            "OneHotCategorical", "Binomial", "Poisson", "Geometric", "ContinuousBernoulli", "DiscretizedLogistic",
            "DiscretizedLogisticMixture",
        })
        {
            Assert.Contains(f, families);
        }

        var pairs = ReferenceTable.Cases.Values.Where(c => c.Family == "KL").Select(c => c.Quantity).ToHashSet();
        foreach (var pair in new[]
        {
            "Normal|Normal", "DiagonalNormal|DiagonalNormal", "Bernoulli|Bernoulli", "Categorical|Categorical",
            "OneHotCategorical|OneHotCategorical", "Uniform|Normal", "Laplace|Laplace", "Exponential|Exponential",
            "Poisson|Poisson", "MultivariateNormal|MultivariateNormal", "Gamma|Gamma", "Beta|Beta", "Dirichlet|Dirichlet",
        })
        {
            Assert.Contains(pair, pairs);
        }
    }

    private static T? Find<T>(Dictionary<string, T> table, ReferenceCase c)
        where T : class
    {
        string family = c.Family == "KL" ? "KL." + c.Quantity : c.Family;
        return table.TryGetValue($"{c.Family}.{c.Quantity}", out var v) || table.TryGetValue(family, out v) ? v : default;
    }

    private sealed record Bound(double Ulps, string Why);
}
