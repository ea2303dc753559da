using System;
using Gen.Probability.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

/// <summary>
/// Values and parameters at the edges: supports that depend on parameters, broadcast values, extreme logits, draws at
/// the ends of the unit interval, and gradients at points where a formula's pieces meet.
/// </summary>
[Collection(ValidationCollection.Name)]
public sealed class EdgeOfSupportTests
{
    [Fact]
    public void A_scale_tril_with_an_entry_above_the_diagonal_is_rejected()
    {
        // Log-densities read only the lower triangle, samples all of it: such a matrix would make them disagree.
        var ex = Assert.Throws<ArgumentException>(() => Family.MultivariateNormal(T.V(0, 0), T.M(new double[,] { { 1, 5 }, { 0, 1 } })));
        Assert.Contains("lower-triangular", ex.Message);
        Assert.Contains("5", ex.Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => Family.MultivariateNormal(T.V(0, 0), T.M(new double[,] { { 1, 0 }, { double.NaN, 1 } }))).Message);
    }

    [Fact]
    public void A_mixture_scores_values_in_the_union_of_its_components_supports()
    {
        var mixture = new MixtureSameFamily(new Categorical(logits: T.V(0, 0)), Family.Uniform(T.V(0, 2), T.V(1, 3)));
        T.Close(new[] { Math.Log(0.5), Math.Log(0.5) }, mixture.LogProb(T.V(0.5, 2.5)));
        var ex = Assert.Throws<ArgumentException>(() => mixture.LogProb(T.V(0.5, 1.5)));
        Assert.Contains("every component", ex.Message);
        Assert.Contains("1.5", ex.Message);

        var s = mixture.SampleAndLogProb(new long[] { 200 }, T.Rng());
        T.Close(torch.full(200, Math.Log(0.5), dtype: torch.float64), s.LogProb);

        Distribution.Validate = false;
        try
        {
            Assert.Equal(double.NegativeInfinity, T.D(mixture.LogProb(T.S(1.5))));
            T.Close(Math.Log(0.5), mixture.LogProb(T.S(0.5)));
        }
        finally
        {
            Distribution.Validate = true;
        }
    }

    [Fact]
    public void A_mixture_of_point_masses_scores_each_point()
    {
        var mixture = new MixtureSameFamily(new Categorical(probs: T.V(0.25, 0.75)), new Delta(T.V(1, 2)));
        T.Close(new[] { Math.Log(0.25), Math.Log(0.75) }, mixture.LogProb(T.V(1, 2)));
    }

    [Fact]
    public void A_value_smaller_than_the_batch_outside_the_support_is_named()
    {
        // The value broadcasts up to the batch of supports: the error names it rather than failing to expand the mask.
        Assert.Contains("0.5", Assert.Throws<ArgumentException>(() => Family.Uniform(T.V(0, 2), T.V(1, 3)).LogProb(T.S(0.5))).Message);
        Assert.Contains("4", Assert.Throws<ArgumentException>(() => Family.Binomial(T.V(2, 5), probs: T.S(0.5)).LogProb(T.S(4))).Message);
        Assert.Contains("1", Assert.Throws<ArgumentException>(() => new Delta(T.V(1, 2)).LogProb(T.S(1))).Message);
    }

    [Theory]
    [InlineData(-800.0)]
    [InlineData(-50.0)]
    [InlineData(-3.0)]
    [InlineData(-1e-3)]
    [InlineData(1e-3)]
    [InlineData(3.0)]
    [InlineData(50.0)]
    [InlineData(800.0)]
    public void Continuous_bernoulli_quantiles_invert_the_cdf_for_any_finite_logit(double t)
    {
        var d = new ContinuousBernoulli(logits: T.S(t));
        var u = T.V(0.01, 0.3, 0.7, 0.99);
        var x = d.Icdf(u);
        var xs = T.A(x);
        Assert.All(xs, v => Assert.True(v >= 0 && v <= 1, $"quantile {v} outside [0, 1]"));
        T.Close(T.A(u), d.Cdf(x), 1e-9);
        if (Math.Abs(t) < 30)
        {
            // Where the textbook forms do not overflow they must agree with the rewritten ones.
            double Cdf(double v) => Math.Exp(t * v) - 1 is var n ? n / (Math.Exp(t) - 1) : 0;
            double Icdf(double p) => Math.Log(1 + p * (Math.Exp(t) - 1)) / t;
            T.Close(new[] { Icdf(0.01), Icdf(0.3), Icdf(0.7), Icdf(0.99) }, x, 1e-9);
            T.Close(new[] { Cdf(0.2), Cdf(0.5) }, d.Cdf(T.V(0.2, 0.5)), 1e-9);
        }
    }

    [Fact]
    public void Continuous_bernoulli_draws_stay_finite_for_large_logits_in_single_precision()
    {
        var logits = torch.tensor(new float[] { 50, 90, 200, -90, -200 });
        var d = new ContinuousBernoulli(logits: logits);
        var x = d.RSample(new long[] { 1000 }, T.Rng());
        Assert.True(x.isfinite().all().item<bool>());
        Assert.True(x.ge(0).logical_and(x.le(1)).all().item<bool>());
        // Mean of a draw against the closed-form mean, per column (large logits: mass crowded near 1 or 0).
        var gap = (x.mean(new long[] { 0 }) - d.Mean).abs().max().item<float>();
        Assert.True(gap < 0.01f, $"sample mean off by {gap}");
        var cdf = d.Cdf(torch.tensor(0.5f));
        Assert.True(cdf.isfinite().all().item<bool>());
        Assert.Equal(Math.Exp(-25) * (1 - Math.Exp(-25)) / (1 - Math.Exp(-50)), cdf[0].item<float>(), 1e-15);
    }

    [Fact]
    public void Continuous_bernoulli_rejects_a_point_mass()
    {
        Assert.Contains("(0, 1)", Assert.Throws<ArgumentException>(() => new ContinuousBernoulli(probs: T.V(0.5, 1))).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => new ContinuousBernoulli(logits: T.S(double.NegativeInfinity))).Message);
    }

    [Fact]
    public void Laplace_draws_in_single_precision_are_never_infinite()
    {
        // One float32 uniform draw in 2²⁴ is exactly 0, and 2·0 − 1 = −1 gave log(1 − |u|) = −∞. With this seed such
        // draws occur among the 2²⁶ below (found with the formula before the fix).
        var d = Family.Laplace(torch.tensor(0f), torch.tensor(1f));
        using var g = Seed.Generator(7);
        for (int chunk = 0; chunk < 4; chunk++)
        {
            using var scope = torch.NewDisposeScope();
            var x = d.Sample(new long[] { 1L << 24 }, g);
            Assert.True(x.isfinite().all().item<bool>(), $"an infinite draw in chunk {chunk}");
        }
    }

    [Fact]
    public void Softplus_terms_have_the_right_gradient_where_their_pieces_meet()
    {
        // Logistic log-density at value = loc: d/d loc is 0 (the density's mode), which needs softplus'(0) = ½.
        var loc = T.S(0.7).requires_grad_();
        Family.Logistic(loc, T.S(2)).LogProb(T.S(0.7)).backward();
        Assert.Equal(0, T.D(loc.grad!), 12);

        // The same through autograd against the analytic derivative at a few points around 0.
        foreach (var v in new[] { -1e-3, 0.0, 1e-3, 5.0 })
        {
            var l = T.S(0).requires_grad_();
            Family.Logistic(l, T.S(1)).LogProb(T.S(v)).backward();
            double z = v;
            double expected = -(-1 + 2 / (1 + Math.Exp(z))); // d/dloc of −z − 2 softplus(−z), z = v − loc
            Assert.Equal(expected, T.D(l.grad!), 12);
        }
    }

    [Fact]
    public void A_masked_out_category_leaves_kl_and_entropy_gradients_finite()
    {
        var pl = T.V(0, 1, double.NegativeInfinity).requires_grad_();
        var ql = T.V(0.5, 0, double.NegativeInfinity).requires_grad_();
        var p = new Categorical(logits: pl);
        var q = new Categorical(logits: ql);
        var kl = Gen.Probability.Kl.Divergence(p, q);
        Assert.True(double.IsFinite(T.D(kl)));
        (kl + p.Entropy()).backward();
        Assert.True(pl.grad!.isfinite().all().item<bool>(), $"p gradient {string.Join(", ", T.A(pl.grad!))}");
        Assert.True(ql.grad!.isfinite().all().item<bool>(), $"q gradient {string.Join(", ", T.A(ql.grad!))}");

        // The same KL and entropy from the two live categories alone, gradients included.
        var pl2 = T.V(0, 1).requires_grad_();
        var ql2 = T.V(0.5, 0).requires_grad_();
        var p2 = new Categorical(logits: pl2);
        var kl2 = Gen.Probability.Kl.Divergence(p2, new Categorical(logits: ql2));
        (kl2 + p2.Entropy()).backward();
        T.Close(T.A(kl2), kl, 1e-12);
        T.Close(T.A(p2.Entropy()), p.Entropy(), 1e-12);
        T.Close(T.A(pl2.grad!), pl.grad!.narrow(0, 0, 2), 1e-12);
        T.Close(T.A(ql2.grad!), ql.grad!.narrow(0, 0, 2), 1e-12);
    }

    [Fact]
    public void Parameters_that_give_no_distribution_are_refused()
    {
        Assert.Contains("'logits (largest over categories)'", Assert.Throws<ArgumentException>(() => new Categorical(logits: T.V(double.NegativeInfinity, double.NegativeInfinity))).Message);
        Assert.Contains("'logits'", Assert.Throws<ArgumentException>(() => new Geometric(logits: T.S(double.NegativeInfinity))).Message);
        Assert.Contains("'df'", Assert.Throws<ArgumentException>(() => Family.StudentT(T.S(double.PositiveInfinity), T.S(0), T.S(1))).Message);
        Assert.Contains("'high'", Assert.Throws<ArgumentException>(() => Family.Uniform(T.S(0), T.S(double.PositiveInfinity))).Message);
    }

    [Fact]
    public void Values_at_the_edges_score_minus_infinity_or_raise_instead_of_nan()
    {
        // A Bernoulli with p = 1 or 0 (logit ±∞) is valid and has entropy 0.
        T.Close(new[] { 0.0, 0.0 }, Family.Bernoulli(logits: T.V(double.PositiveInfinity, double.NegativeInfinity)).Entropy());
        Assert.Contains("outside the support", Assert.Throws<ArgumentException>(() => Family.Gamma(T.S(2), T.S(1)).LogProb(T.S(double.PositiveInfinity))).Message);
        Distribution.Validate = false;
        try
        {
            Assert.Equal(double.NegativeInfinity, T.D(Family.Gamma(T.S(2), T.S(1)).LogProb(T.S(double.PositiveInfinity))));
            Assert.Equal(double.NegativeInfinity, T.D(new Categorical(logits: T.V(0, 0)).LogProb(T.S(double.NaN))));
        }
        finally
        {
            Distribution.Validate = true;
        }
    }

    [Fact]
    public void A_relaxed_one_hot_categorical_has_the_batch_of_its_temperature_and_logits_together()
    {
        var d = new RelaxedOneHotCategorical(T.V(0.5, 1, 2), logits: T.V(0, 1, 2));
        Assert.Equal(new long[] { 3 }, d.BatchShape);
        var x = d.RSample(new long[] { 4 }, T.Rng());
        Assert.Equal(new long[] { 4, 3, 3 }, x.shape);
        Assert.Equal(new long[] { 4, 3 }, d.LogProb(x).shape);
    }
}
