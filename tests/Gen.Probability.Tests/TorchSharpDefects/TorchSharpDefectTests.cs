using System;
using System.Linq;
using Gen.Probability.Bijectors;
using Gen.Probability.Tests.Distributions;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.TorchSharpDefects;

/// <summary>
/// One test per defect of TorchSharp 0.107's distributions that DESIGN.md names, each of which would fail had the
/// defect leaked into Gen. Where an existing test already pins a defect down, the test here is named for the defect
/// and its comment names that test too.
/// </summary>
public class TorchSharpDefectTests
{
    private const double H = 1e-6;

    // TorchSharp: TransformedDistribution samples under no_grad, so LogNormal and the relaxed families give samples with
    // no gradient. Gen's pathwise gradients must exist and equal finite differences of the same draws (same seed).
    // (ContinuousTests.LogNormalIsTheImageOfANormalAndRSampleIsDifferentiable checks that LogNormal's gradient exists.)
    [Fact]
    public void Transformed_and_relaxed_rsamples_carry_the_pathwise_gradient()
    {
        CheckPathwise(loc => Elementwise.Exp.Transform(Family.Normal(loc, T.S(0.7))), T.V(0.3, -0.2));
        CheckPathwise(loc => Family.LogNormal(loc, T.S(0.5)), T.V(0.1, 1.0));
        CheckPathwise(logits => Family.RelaxedBernoulli(T.S(0.6), logits: logits), T.V(0.4, -1.5));
        CheckPathwise(logits => Family.RelaxedOneHotCategorical(T.S(0.8), logits: logits), T.V(0.2, -0.4, 1.1));
    }

    // TorchSharp: Gamma.rsample detaches. Covered with the same strength elsewhere:
    // ContinuousTests.GammaRSampleIsReparameterisedInBothParameters (gradients exist, with the right signs) and
    // ContinuousTests.GammaImplicitGradientMatchesFiniteDifferenceOfTheMean (d E[X]/dα = 1). Here: the gradient
    // reaches both parameters of Gamma and the Gamma-built families (StudentT, Beta, Dirichlet) too.
    [Fact]
    public void Gamma_and_gamma_built_rsamples_are_not_detached()
    {
        var a = T.V(0.5, 3).requires_grad_();
        var b = T.V(2, 0.5).requires_grad_();
        var df = T.S(4).requires_grad_();
        var c = T.V(1, 2).requires_grad_();
        var total = Family.Gamma(a, b).RSample(new long[] { 8 }, T.Rng(1)).sum()
                    + Family.StudentT(df, T.S(0), T.S(1)).RSample(new long[] { 8 }, T.Rng(2)).square().sum()
                    + Family.Dirichlet(c).RSample(new long[] { 8 }, T.Rng(3))[.., 0].sum();
        total.backward();
        foreach (var (name, p) in new[] { ("concentration", a), ("rate", b), ("df", df), ("Dirichlet concentration", c) })
        {
            Assert.True(p.grad is not null && T.A(p.grad).All(g => g != 0 && double.IsFinite(g)), $"no pathwise gradient for {name}");
        }
    }

    // TorchSharp: ComposeTransform has no inverse and a wrong log-det. (Laws over random chains:
    // BijectorLawTests.Chains_and_their_inverses_satisfy_the_laws and BijectorLawTests.Chain_log_dets_add.) Here a chain
    // with a known answer: y = 2 eˣ + 1, log|dy/dx| = x + log 2, x = log((y − 1)/2), both directions.
    [Fact]
    public void A_chain_inverts_and_its_log_det_is_the_sum_of_its_parts()
    {
        var chain = Elementwise.Exp.Then(new ElementwiseAffine(T.S(1), T.S(Math.Log(2))));
        var x = T.V(-1.5, 0, 0.25, 2);
        var forward = chain.ForwardAndLogDet(x);
        T.Close(T.A(2 * x.exp() + 1), forward.Value, 1e-15);
        T.Close(T.A(x + Math.Log(2)), forward.LogDet, 1e-15);
        var inverse = chain.InverseAndLogDet(forward.Value);
        T.Close(T.A(x), inverse.Value, 1e-14);
        T.Close(T.A(-(x + Math.Log(2))), inverse.LogDet, 1e-14);
    }

    // TorchSharp: SoftplusTransform computes softplus(−x). (ElementwiseTests.Softplus_is_log_one_plus_exp_and_inverts_at_large_and_tiny_values
    // checks softplus(50) = 50.) Here the asymmetric values and the log-derivative log σ(x).
    [Fact]
    public void Softplus_is_softplus_of_x_not_of_minus_x()
    {
        var x = T.V(-3, 2, 10);
        var t = Elementwise.Softplus.ForwardAndLogDet(x);
        T.Close(new[] { Math.Log(1 + Math.Exp(-3)), Math.Log(1 + Math.Exp(2)), Math.Log(1 + Math.Exp(10)) }, t.Value, 1e-14);
        T.Close(T.A(torch.nn.functional.logsigmoid(x)), t.LogDet, 1e-14);
    }

    // TorchSharp: TanhTransform's log-det has a sign error. (BijectorLawTests.The_Jacobian_law_catches_a_wrong_log_det
    // shows the law would catch it.) Here Gen's tanh against autograd: log(1 − tanh² x) is never positive.
    [Fact]
    public void Tanh_log_det_has_the_sign_of_the_autograd_derivative()
    {
        var x = T.V(-2, -0.3, 0.5, 3).requires_grad_();
        var t = Elementwise.Tanh.ForwardAndLogDet(x);
        var derivative = torch.autograd.grad(new[] { t.Value.sum() }, new[] { x })[0];
        T.Close(T.A(derivative.log()), t.LogDet.detach(), 1e-12);
        Assert.All(T.A(t.LogDet.detach()), v => Assert.True(v < 0, $"log(1 − tanh²x) must be negative, got {v}"));
    }

    // TorchSharp: Transform.log_abs_det_jacobian is not public. Gen's only bijector primitive returns the log-det in
    // both directions and is part of the public interface, so users' code and the laws can call it.
    [Fact]
    public void The_log_det_is_public_in_both_directions()
    {
        foreach (var name in new[] { nameof(IBijector.ForwardAndLogDet), nameof(IBijector.InverseAndLogDet) })
        {
            var method = typeof(IBijector).GetMethod(name);
            Assert.True(method is { IsPublic: true } && method.ReturnType == typeof(Transformed), $"IBijector.{name} must be public and return the log-det");
        }

        Assert.True(typeof(Transformed).GetProperty(nameof(Transformed.LogDet))!.GetMethod!.IsPublic);
    }

    // TorchSharp: there is no kl_divergence. Gen has Kl.Divergence with every registered pair checked against 50-digit
    // values (ReferenceTests, cases KL.*), the registry's behaviour in KlTests, and a clear error for unregistered pairs
    // (KlTests). Here: every built-in pair answers, so none of them silently falls back to an error.
    [Fact]
    public void Kl_divergence_exists_for_the_built_in_pairs()
    {
        IDistribution[][] pairs =
        {
            new IDistribution[] { Family.Normal(T.S(0), T.S(1)), Family.Normal(T.S(1), T.S(2)) },
            new IDistribution[] { Family.Gamma(T.S(2), T.S(1)), Family.Gamma(T.S(3), T.S(2)) },
            new IDistribution[] { Family.Beta(T.S(2), T.S(3)), Family.Beta(T.S(1), T.S(1)) },
            new IDistribution[] { Family.Poisson(T.S(2)), Family.Poisson(T.S(3)) },
        };
        foreach (var pair in pairs)
        {
            Assert.True(Probability.Kl.HasAnalytic(pair[0], pair[1]), pair[0].GetType().Name);
            Assert.True(T.D(Probability.Kl.Divergence(pair[0], pair[1])) > 0);
        }
    }

    // TorchSharp: rsample of a discrete family silently returns samples with no gradient. (DiscreteTests.DiscreteFamiliesAreNotReparameterisedAndRSampleThrows
    // covers Bernoulli, Categorical, OneHotCategorical, Poisson, Geometric, Binomial and MixtureSameFamily.) Here the
    // rest: the discretised logistic, and wrappers over a discrete base, which must not hide the base's refusal.
    [Fact]
    public void Discrete_rsample_throws_instead_of_returning_samples_without_gradient()
    {
        IDistribution[] discrete =
        {
            Family.DiscretizedLogistic(T.S(0), T.S(-2)),
            Family.Independent(Family.Bernoulli(probs: T.V(0.2, 0.7)), 1),
            Elementwise.Exp.Transform(Family.Poisson(T.S(3))),
        };
        foreach (var d in discrete)
        {
            Assert.False(d.IsReparameterized, d.GetType().Name);
            var ex = Assert.Throws<NotSupportedException>(() => d.RSample(new long[] { 2 }));
            Assert.Contains("reparameteris", ex.Message);
        }
    }

    // d/dθ Σ w·x for x = RSample with a fixed seed, against central differences of the same draws.
    private static void CheckPathwise(Func<torch.Tensor, IDistribution> make, torch.Tensor theta)
    {
        var w = torch.linspace(0.5, 1.5, 5 * theta.shape[^1], dtype: torch.float64).reshape(5, theta.shape[^1]);
        torch.Tensor Objective(torch.Tensor t) => (make(t).RSample(new long[] { 5 }, T.Rng(77)) * w).sum();
        var p = theta.clone().requires_grad_();
        var grad = torch.autograd.grad(new[] { Objective(p) }, new[] { p })[0];
        using var noGrad = torch.no_grad();
        for (int i = 0; i < theta.shape[^1]; i++)
        {
            var up = theta.clone();
            up[i] += H;
            var down = theta.clone();
            down[i] -= H;
            double numeric = (T.D(Objective(up)) - T.D(Objective(down))) / (2 * H);
            double analytic = T.A(grad)[i];
            Assert.True(Math.Abs(numeric - analytic) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"{make(theta).GetType().Name}: pathwise gradient {analytic:R}, finite difference {numeric:R}");
            Assert.NotEqual(0.0, analytic);
        }
    }
}
