using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

/// <summary>Objectives against their closed forms on known logits, and their composition.</summary>
public class ObjectiveTests
{
    private static readonly double[] Real = { 2.0, -0.5, Math.Log(3), 0.0 };
    private static readonly double[] Fake = { -1.5, 0.25, 3.0 };

    private static torch.Tensor T(params double[] values) => torch.tensor(values, torch.float64);

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static void Close(double expected, torch.Tensor actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual.ToDouble()) <= tolerance, $"expected {expected:R}, got {actual.ToDouble():R}");

    [Fact]
    public void Logistic_objectives_match_their_definitions_through_the_sigmoid()
    {
        // −E log D(x) − E log(1 − D(G(z))) with D = σ(logit), for both.
        double discriminator = Real.Average(r => -Math.Log(Sigmoid(r))) + Fake.Average(f => -Math.Log(1 - Sigmoid(f)));
        Close(discriminator, Objective.Minimax.DiscriminatorLoss(T(Real), T(Fake)));
        Close(discriminator, Objective.NonSaturating.DiscriminatorLoss(T(Real), T(Fake)));
        Close(Fake.Average(f => Math.Log(1 - Sigmoid(f))), Objective.Minimax.GeneratorLoss(T(Fake)));
        Close(Fake.Average(f => -Math.Log(Sigmoid(f))), Objective.NonSaturating.GeneratorLoss(T(Fake)));
    }

    [Fact]
    public void Least_squares_Wasserstein_and_hinge_match_their_closed_forms()
    {
        Close((0.5 * Real.Average(r => (r - 1) * (r - 1))) + (0.5 * Fake.Average(f => f * f)), Objective.LeastSquares.DiscriminatorLoss(T(Real), T(Fake)));
        Close(0.5 * Fake.Average(f => (f - 1) * (f - 1)), Objective.LeastSquares.GeneratorLoss(T(Fake)));
        Close(Fake.Average() - Real.Average(), Objective.Wasserstein.DiscriminatorLoss(T(Real), T(Fake)));
        Close(-Fake.Average(), Objective.Wasserstein.GeneratorLoss(T(Fake)));
        Close(Real.Average(r => Math.Max(0, 1 - r)) + Fake.Average(f => Math.Max(0, 1 + f)), Objective.Hinge.DiscriminatorLoss(T(Real), T(Fake)));
        Close(-Fake.Average(), Objective.Hinge.GeneratorLoss(T(Fake)));
    }

    [Fact]
    public void Logistic_losses_stay_finite_for_extreme_logits()
    {
        // A confidently wrong discriminator: −log σ(−200) = 200 and −log(1 − σ(200)) = 200, not infinity.
        Close(400, Objective.NonSaturating.DiscriminatorLoss(T(-200), T(200)), 1e-9);
        Close(200, Objective.NonSaturating.GeneratorLoss(T(-200)), 1e-9);
        Close(-200, Objective.Minimax.GeneratorLoss(T(200)), 1e-9);
        var loss = Objective.NonSaturating.DiscriminatorLoss(torch.tensor(new[] { 1e4f }), torch.tensor(new[] { -1e4f }));
        Assert.Equal(torch.float32, loss.dtype);
        Assert.Equal(0, loss.ToDouble(), 6);
    }

    [Fact]
    public void At_the_optimal_discriminator_the_minimax_value_is_twice_the_JSD_minus_log_4()
    {
        // Two distributions on three points; logits log p/q (the optimal discriminator) listed in proportion to p and
        // to q, so that the batch means are exact expectations.
        double[] p = { 0.5, 0.25, 0.25 };
        double[] q = { 0.25, 0.25, 0.5 };
        var a = p.Zip(q, (pi, qi) => Math.Log(pi / qi)).ToArray();
        var real = T(a[0], a[0], a[1], a[2]);
        var fake = T(a[0], a[1], a[2], a[2]);
        double Kl(double[] x, double[] y) => x.Zip(y, (xi, yi) => xi * Math.Log(xi / yi)).Sum();
        var m = p.Zip(q, (pi, qi) => (pi + qi) / 2).ToArray();
        double jsd = (0.5 * Kl(p, m)) + (0.5 * Kl(q, m));
        Close((2 * jsd) - Math.Log(4), -Objective.Minimax.DiscriminatorLoss(real, fake));
    }

    [Fact]
    public void A_weighted_sum_adds_the_terms_for_each_player()
    {
        var w = T(0.6, -1.2);
        var real = T(1, 2, -1, 0.5, 3, 1).reshape(3, 2);
        var fake = T(0, 1, 2, 2, -1, -3).reshape(3, 2);
        var batch = new CriticBatch(real, fake, x => x.matmul(w));
        var loss = Objective.NonSaturating + (10 * Penalty.R1) + (Penalty.GradientPenalty * 2);
        double expected = Objective.NonSaturating.DiscriminatorLoss(batch).ToDouble() + (10 * Penalty.R1.Value(batch).ToDouble()) + (2 * Penalty.GradientPenalty.Value(batch).ToDouble());
        Close(expected, loss.DiscriminatorLoss(batch), 1e-12);
        Close(Objective.NonSaturating.GeneratorLoss(batch.FakeLogits).ToDouble(), loss.GeneratorLoss(batch.FakeLogits));
        Close(0, Penalty.R1.GeneratorLoss(batch.FakeLogits));
    }

    [Fact]
    public void Sums_are_flat_values_that_compare_and_print_by_content()
    {
        var loss = Objective.NonSaturating + (10 * Penalty.R1);
        Assert.Equal(loss, Objective.NonSaturating + (10 * Penalty.R1));
        Assert.NotEqual(loss, Objective.NonSaturating + (5 * Penalty.R1));
        Assert.Equal("NonSaturating + 10·R1", loss.ToString());
        var scaled = Assert.IsType<WeightedLoss>(2 * (Objective.Hinge + Penalty.Dragan));
        Assert.Equal(new[] { 2.0, 2.0 }, scaled.Terms.Select(t => t.Weight));
        Assert.Equal("Wasserstein + 10·GradientPenalty", (Objective.Wasserstein + (10 * Penalty.GradientPenalty)).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => -1 * Objective.Hinge);
        Assert.Throws<ArgumentOutOfRangeException>(() => Penalty.R1 * double.NaN);
    }

    [Fact]
    public void Weight_clipping_clamps_every_discriminator_parameter_also_inside_a_sum()
    {
        var parameters = new[] { new TorchSharp.Modules.Parameter(T(-1, 0.005, 2)), new TorchSharp.Modules.Parameter(T(0.3)) };
        (Objective.WassersteinClipped(0.01) + Penalty.R1).Constrain(parameters);
        Assert.True(parameters[0].allclose(T(-0.01, 0.005, 0.01), 0, 0));
        Assert.True(parameters[1].allclose(T(0.01), 0, 0));
        Objective.Wasserstein.Constrain(parameters);
        Assert.True(parameters[1].allclose(T(0.01), 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Objective.WassersteinClipped(0));
    }

    [Fact]
    public void Bad_logits_are_rejected_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => Objective.Hinge.DiscriminatorLoss(torch.tensor(new long[] { 1 }), T(0)));
        Assert.Contains("realLogits", error.Message);
        Assert.Throws<ArgumentException>(() => Objective.NonSaturating.GeneratorLoss(torch.empty(0, torch.float64)));
    }
}
