using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class BijectorLawTests
{
    private static long Features(PositiveInt n) => 2 + (n.Get % 5);

    private static long Batch(PositiveInt n) => 1 + (n.Get % 4);

    [Property(MaxTest = 25)]
    public void Elementwise_affine_satisfies_the_laws(int seed, PositiveInt d, PositiveInt b, bool vectorEvent)
    {
        using var scope = torch.NewDisposeScope();
        BijectorLaws.All(Affine(seed, Features(d), vectorEvent ? 1 : 0), Input(seed, Batch(b), Features(d)));
    }

    [Property(MaxTest = 25)]
    public void Fixed_elementwise_maps_satisfy_the_laws(int seed, PositiveInt d, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var x = Input(seed, Batch(b), Features(d));
        BijectorLaws.All(Elementwise.Exp, x);
        BijectorLaws.All(Elementwise.Sigmoid, x);
        BijectorLaws.All(Elementwise.Tanh, x, 1e-5);
        BijectorLaws.All(Elementwise.Softplus, x);
    }

    [Property(MaxTest = 25)]
    public void Affine_coupling_satisfies_the_laws(int seed, PositiveInt d, PositiveInt b, bool flip)
    {
        using var scope = torch.NewDisposeScope();
        BijectorLaws.All(Coupling(seed, Features(d), flip), Input(seed, Batch(b), Features(d)));
    }

    [Property(MaxTest = 25)]
    public void Permutations_satisfy_the_laws(int seed, PositiveInt d, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        BijectorLaws.All(Permutation.Random((int)Features(d), seed), Input(seed, Batch(b), Features(d)));
    }

    // A reversal takes its own kernel (a flip); it must move each feature where the general index path would.
    [Property(MaxTest = 25)]
    public void Reversals_satisfy_the_laws_and_move_feature_i_to_n_minus_1_minus_i(int seed, PositiveInt d, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        int n = (int)Features(d);
        var reverse = Permutation.Reverse(n);
        var x = Input(seed, Batch(b), n);
        BijectorLaws.All(reverse, x);
        var expected = x.index_select(-1, torch.arange(n - 1, -1, -1, dtype: torch.int64));
        Assert.True(reverse.Forward(x).equal(expected).all().item<bool>());
        Assert.True(reverse.Inverse(x).equal(expected).all().item<bool>());
        Assert.Equal(Enumerable.Range(0, n).Reverse().Select(i => (long)i), reverse.Order);
    }

    [Property(MaxTest = 20)]
    public void Chains_and_their_inverses_satisfy_the_laws(int seed, PositiveInt d, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var chain = RealNvpLike(seed, Features(d));
        var x = Input(seed, Batch(b), Features(d));
        BijectorLaws.All(chain, x, 1e-5);
        BijectorLaws.All(chain.Inverted(), chain.Forward(x), 1e-5);
    }

    [Property(MaxTest = 20)]
    public void Chain_log_dets_add(int seed, PositiveInt d, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var f = Coupling(seed, Features(d), false);
        var g = Affine(seed, Features(d), 1);
        var x = Input(seed, Batch(b), Features(d));
        var fx = f.ForwardAndLogDet(x);
        var gfx = g.ForwardAndLogDet(fx.Value);
        var chain = f.Then(g).ForwardAndLogDet(x);
        Assert.True(torch.allclose(chain.LogDet, fx.LogDet + gfx.LogDet, rtol: 1e-12, atol: 1e-12));
        Assert.True(torch.allclose(chain.Value, gfx.Value, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void The_Jacobian_law_catches_a_wrong_log_det()
    {
        // TorchSharp 0.107's tanh transform has a sign error; the same mistake must be caught by the law.
        var wrong = new SignFlipped(Elementwise.Tanh);
        var x = torch.linspace(-2, 2, 6, dtype: torch.float64).reshape(2, 3);
        var e = Assert.Throws<LawViolationException>(() => BijectorLaws.LogDetMatchesJacobian(wrong, x));
        Assert.Contains("log-det", e.Message);
    }

    [Fact]
    public void The_round_trip_law_catches_a_wrong_inverse()
    {
        var shifted = new ElementwiseAffine(torch.tensor(1.0, dtype: torch.float64), torch.tensor(0.0, dtype: torch.float64));
        var broken = new Mismatched(shifted, Elementwise.Exp);
        var x = torch.linspace(-1, 1, 4, dtype: torch.float64).reshape(2, 2);
        Assert.Throws<LawViolationException>(() => BijectorLaws.RoundTrips(broken, x));
    }

    [Fact]
    public void Inverting_twice_returns_the_same_object()
    {
        var f = Elementwise.Sigmoid;
        Assert.Same(f, f.Inverted().Inverted());
    }

    private sealed class SignFlipped(IBijector inner) : IBijector
    {
        public int EventRank => inner.EventRank;

        public Transformed ForwardAndLogDet(torch.Tensor x)
        {
            var t = inner.ForwardAndLogDet(x);
            return t with { LogDet = -t.LogDet };
        }

        public Transformed InverseAndLogDet(torch.Tensor y)
        {
            var t = inner.InverseAndLogDet(y);
            return t with { LogDet = -t.LogDet };
        }
    }

    private sealed class Mismatched(IBijector forward, IBijector inverse) : IBijector
    {
        public int EventRank => 0;

        public Transformed ForwardAndLogDet(torch.Tensor x) => forward.ForwardAndLogDet(x);

        public Transformed InverseAndLogDet(torch.Tensor y) => inverse.InverseAndLogDet(y);
    }
}
