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

public class LinearTests
{
    internal static Householder RandomHouseholder(int seed, long reflections, long features, long? batch = null) =>
        new(torch.randn(batch is { } b ? new[] { b, reflections, features } : new[] { reflections, features }, dtype: torch.float64, generator: Rng(seed + 50)));

    internal static LuLinear RandomLu(int seed, long features)
    {
        var g = Rng(seed + 60);
        var sign = torch.randint(0, 2, new[] { features }, dtype: torch.float64, generator: g) * 2 - 1;
        return new LuLinear(
            Permutation.Random((int)features, seed).Order,
            0.5 * torch.randn(new[] { features, features }, dtype: torch.float64, generator: g),
            0.5 * torch.randn(new[] { features, features }, dtype: torch.float64, generator: g),
            0.5 * torch.randn(new[] { features }, dtype: torch.float64, generator: g),
            sign);
    }

    [Property(MaxTest = 25)]
    public void Householder_satisfies_the_laws_and_is_orthogonal(int seed, PositiveInt d, PositiveInt b, PositiveInt k, bool amortised)
    {
        using var scope = torch.NewDisposeScope();
        long batch = SmallBatch(b), features = SmallFeatures(d);
        var householder = RandomHouseholder(seed, 1 + (k.Get % 3), features, amortised ? batch : null);
        var x = 3 * Input(seed, batch, features);
        BijectorLaws.All(householder, x, 1e-9);
        var m = householder.Matrix();
        var identity = torch.eye(features, dtype: torch.float64);
        Assert.True(m.transpose(-1, -2).matmul(m).allclose(identity.expand(m.shape), rtol: 0, atol: 1e-12));
        Assert.True(householder.Forward(x).allclose(m.matmul(x.unsqueeze(-1)).squeeze(-1), rtol: 1e-12, atol: 1e-12));
        Assert.True(householder.IsVolumePreserving);
    }

    [Fact]
    public void A_single_reflection_flips_the_component_along_its_vector_and_a_zero_vector_does_nothing()
    {
        var flip = new Householder(torch.tensor(new[,] { { 0.0, 2.0 } }, dtype: torch.float64));
        var y = flip.Forward(torch.tensor(new[,] { { 3.0, 4.0 } }, dtype: torch.float64));
        Assert.Equal(new[] { 3.0, -4.0 }, y.flatten().data<double>().ToArray());

        var zero = new Householder(torch.zeros(new long[] { 2, 3 }, dtype: torch.float64));
        var x = Input(1, 4, 3);
        var t = zero.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 0, 0));
        Assert.False(t.Value.isnan().any().item<bool>());
    }

    [Property(MaxTest = 25)]
    public void Lu_linear_satisfies_the_laws(int seed, PositiveInt d, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var lu = RandomLu(seed, SmallFeatures(d));
        var x = Input(seed, SmallBatch(b), SmallFeatures(d));
        BijectorLaws.All(lu, x, 1e-9);
        var w = lu.Weight();
        Assert.Equal(torch.linalg.slogdet(w).Item2.item<double>(), lu.LogAbsDet().item<double>(), 10);
        Assert.True(lu.InverseWeight().matmul(w).allclose(torch.eye(SmallFeatures(d), dtype: torch.float64), rtol: 0, atol: 1e-10));
    }

    [Fact]
    public void Lu_decomposition_reproduces_the_matrix_and_its_log_det()
    {
        var q = torch.linalg.qr(torch.randn(new long[] { 5, 5 }, dtype: torch.float64, generator: Rng(2))).Q;
        var w = q.matmul(torch.diag(torch.tensor(new[] { 0.5, 1, 2, 3, 0.25 }, dtype: torch.float64)));
        var f = LuLinear.Decompose(w);
        var lu = new LuLinear(f.Permutation, f.Lower, f.Upper, f.LogAbsDiagonal, f.Sign);
        Assert.True(lu.Weight().allclose(w, rtol: 0, atol: 1e-12));
        Assert.Equal(Math.Log(0.5 * 2 * 3 * 0.25), lu.LogAbsDet().item<double>(), 10);
        Assert.All(f.Sign.data<double>().ToArray(), s => Assert.Equal(1.0, Math.Abs(s)));
        Assert.False(f.Lower.requires_grad);
    }

    [Fact]
    public void Lu_linear_starts_at_the_identity_from_zero_factors()
    {
        var zero = torch.zeros(new long[] { 3, 3 }, dtype: torch.float64);
        var lu = new LuLinear(new long[] { 0, 1, 2 }, zero, zero, torch.zeros(3, dtype: torch.float64), torch.ones(3, dtype: torch.float64));
        var x = Input(3, 4, 3);
        var t = lu.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 0, 0));
        Assert.True(t.LogDet.allclose(torch.zeros(4, dtype: torch.float64), 0, 0));
    }

    [Fact]
    public void Lu_linear_rejects_bad_shapes_and_orders()
    {
        var m = torch.zeros(3, 3);
        var e = Assert.Throws<GenShapeException>(() => new LuLinear(new long[] { 0, 1, 2 }, m, torch.zeros(3, 2), torch.zeros(3), torch.ones(3)));
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains("[0, 0, 2]", Assert.Throws<ArgumentException>(() => new LuLinear(new long[] { 0, 0, 2 }, m, m, torch.zeros(3), torch.ones(3))).Message);
        Assert.Throws<GenShapeException>(() => LuLinear.Decompose(torch.zeros(2, 3)));
        Assert.Contains("[4, 2]", Assert.Throws<GenShapeException>(() => new LuLinear(new long[] { 0, 1, 2 }, m, m, torch.zeros(3), torch.ones(3)).Forward(torch.zeros(4, 2))).Message);
    }

    [Property(MaxTest = 15)]
    public void Invertible_1x1_convolutions_satisfy_the_laws_in_both_parametrisations(int seed, PositiveInt c, PositiveInt hw, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        long channels = 1 + (c.Get % 3), height = 1 + (hw.Get % 3), width = 1 + ((hw.Get / 3) % 2);
        var x = torch.randn(new[] { SmallBatch(b), channels, height, width }, dtype: torch.float64, generator: Rng(seed));
        var lu = RandomLu(seed, channels);
        var viaLu = new Invertible1x1Conv(lu);
        var dense = new Invertible1x1Conv(lu.Weight());
        BijectorLaws.All(viaLu, x, 1e-9);
        BijectorLaws.All(dense, x, 1e-9);

        // The same map as a 1×1 convolution, and log-det H·W·log|det W| in both parametrisations.
        var conv = torch.nn.functional.conv2d(x, lu.Weight().reshape(channels, channels, 1, 1));
        var t = viaLu.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(conv, rtol: 1e-12, atol: 1e-12));
        Assert.True(dense.ForwardAndLogDet(x).Value.allclose(conv, rtol: 1e-12, atol: 1e-12));
        double expected = height * width * lu.LogAbsDet().item<double>();
        Assert.True(t.LogDet.allclose(torch.full(new[] { SmallBatch(b) }, expected, dtype: torch.float64), rtol: 1e-12, atol: 1e-12));
        Assert.True(dense.ForwardAndLogDet(x).LogDet.allclose(t.LogDet, rtol: 1e-10, atol: 1e-10));
    }

    [Fact]
    public void Invertible_1x1_convolution_checks_the_channel_count()
    {
        var conv = new Invertible1x1Conv(torch.eye(3));
        var e = Assert.Throws<GenShapeException>(() => conv.Forward(torch.zeros(2, 4, 2, 2)));
        Assert.Contains("[2, 4, 2, 2]", e.Message);
        Assert.Throws<GenShapeException>(() => new Invertible1x1Conv(torch.zeros(3, 2)));
    }

    [Fact]
    public void Linear_maps_stay_finite_for_large_inputs()
    {
        var big = torch.tensor(new[,] { { 1e150, -1e150, 3.0 }, { -1e6, 1e6, 1e100 } }, dtype: torch.float64);
        ElementwiseMapTests.AssertFinite(RandomHouseholder(1, 3, 3), big, bothWays: true);
        ElementwiseMapTests.AssertFinite(RandomLu(1, 3), big, bothWays: true);
        ElementwiseMapTests.AssertFinite(new Invertible1x1Conv(RandomLu(2, 3)), big.reshape(2, 3, 1, 1), bothWays: true);
    }
}
