using System;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class SylvesterTests
{
    /// <summary>An H-SNF map with N(0, σ²) parameters, one set or (amortised) one per batch element.</summary>
    internal static Sylvester RandomHouseholderSylvester(int seed, long batch, long features, long reflections, bool amortised, double scale = 1.5)
    {
        var g = Rng(seed + 90);
        long[] Lead(params long[] rest) => amortised ? [batch, .. rest] : rest;
        return Sylvester.FromHouseholder(
            torch.randn(Lead(reflections, features), dtype: torch.float64, generator: g),
            scale * torch.randn(Lead(features, features), dtype: torch.float64, generator: g),
            scale * torch.randn(Lead(features, features), dtype: torch.float64, generator: g),
            torch.randn(Lead(features), dtype: torch.float64, generator: g));
    }

    [Property(MaxTest = 15)]
    public void Householder_sylvester_satisfies_the_laws_with_its_triangular_inverse(int seed, PositiveInt d, PositiveInt b, PositiveInt k, bool amortised)
    {
        using var scope = torch.NewDisposeScope();
        long batch = SmallBatch(b), features = SmallFeatures(d);
        var flow = RandomHouseholderSylvester(seed, batch, features, 1 + (k.Get % features), amortised);
        var x = 2 * Input(seed, batch, features);
        BijectorLaws.All(flow, x, 1e-8);
        // The inverse's autograd Jacobian, through the component-by-component solves, has the right determinant too.
        BijectorLaws.All(flow.Inverted(), flow.Forward(x), 1e-8);
    }

    [Property(MaxTest = 20)]
    public void Orthogonal_sylvester_with_fewer_directions_than_features_satisfies_the_laws(int seed, PositiveInt d, PositiveInt m, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        long features = 2 + (d.Get % 4), directions = 1 + (m.Get % features), batch = SmallBatch(b);
        var g = Rng(seed + 95);
        var q = Sylvester.Orthonormalise(torch.randn(new[] { features, directions }, dtype: torch.float64, generator: g));
        Assert.True(q.t().matmul(q).allclose(torch.eye(directions, dtype: torch.float64), rtol: 0, atol: 1e-12));
        var flow = new Sylvester(
            q,
            2 * torch.randn(new[] { directions, directions }, dtype: torch.float64, generator: g),
            2 * torch.randn(new[] { directions, directions }, dtype: torch.float64, generator: g),
            torch.randn(directions, dtype: torch.float64, generator: g));
        var x = 2 * Input(seed, batch, features);
        BijectorLaws.All(flow, x, 1e-8);
        BijectorLaws.All(flow.Inverted(), flow.Forward(x), 1e-8);
    }

    [Fact]
    public void Zero_triangular_parameters_give_the_identity()
    {
        var zero = torch.zeros(new long[] { 3, 3 }, dtype: torch.float64);
        var flow = Sylvester.FromHouseholder(torch.randn(new long[] { 2, 3 }, dtype: torch.float64, generator: Rng(1)), zero, zero, torch.ones(3, dtype: torch.float64));
        var x = Input(2, 4, 3);
        var t = flow.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 0, 1e-15));
        Assert.True(t.LogDet.abs().max().item<double>() == 0);
    }

    [Fact]
    public void Sylvester_inverts_far_out_and_stays_finite()
    {
        var flow = RandomHouseholderSylvester(3, 1, 3, 3, amortised: false, scale: 3);
        var far = torch.tensor(new[,] { { 40.0, -30.0, 25.0 }, { -1e3, 2e3, 5e2 }, { 0.0, 0.0, 0.0 } }, dtype: torch.float64);
        BijectorLaws.RoundTrips(flow, far, 1e-9);

        // Mixed magnitudes: the rotation Qᵀz alone rounds the 10⁶ away next to 10¹⁰⁰, so ask for finiteness only.
        var huge = torch.tensor(new[,] { { 1e100, -1e100, 1e6 }, { -1e300, 1e300, 1e300 } }, dtype: torch.float64);
        ElementwiseMapTests.AssertFinite(flow, huge, bothWays: true);
    }

    [Fact]
    public void Inverse_gradients_with_respect_to_the_parameters_match_finite_differences()
    {
        // The roots are found without gradient; each component's final Newton step must still carry d(f⁻¹(y))/dθ.
        var g = Rng(5);
        var vectors = torch.randn(new long[] { 2, 3 }, dtype: torch.float64, generator: g);
        var r = torch.randn(new long[] { 3, 3 }, dtype: torch.float64, generator: g).requires_grad_(true);
        var rTilde = torch.randn(new long[] { 3, 3 }, dtype: torch.float64, generator: g);
        var bias = torch.randn(3, dtype: torch.float64, generator: g);
        var y = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
        var weights = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
        double Objective(torch.Tensor rv)
        {
            var inv = Sylvester.FromHouseholder(vectors, rv, rTilde, bias).InverseAndLogDet(y);
            return ((inv.Value * weights).sum() + inv.LogDet.sum()).item<double>();
        }

        var result = Sylvester.FromHouseholder(vectors, r, rTilde, bias).InverseAndLogDet(y);
        var grad = torch.autograd.grad(new[] { (result.Value * weights).sum() + result.LogDet.sum() }, new[] { r })[0];
        using var noGrad = torch.no_grad();
        foreach (var (i, j) in new[] { (0, 0), (0, 2), (1, 1), (1, 2), (2, 2) })
        {
            var e = torch.zeros(new long[] { 3, 3 }, dtype: torch.float64);
            e[i, j] = torch.tensor(1e-6, dtype: torch.float64);
            double numeric = (Objective(r + e) - Objective(r - e)) / 2e-6;
            Assert.Equal(numeric, grad[i, j].item<double>(), 5);
        }
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_rejected()
    {
        var e = Assert.Throws<GenShapeException>(() => new Sylvester(torch.zeros(3, 2), torch.zeros(3, 3), torch.zeros(2, 2), torch.zeros(2)));
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains("[3, 3]", e.Message);
        Assert.Throws<GenShapeException>(() => new Sylvester(torch.zeros(2, 3), torch.zeros(3, 3), torch.zeros(3, 3), torch.zeros(3)));
        var flow = new Sylvester(torch.eye(3), torch.zeros(3, 3), torch.zeros(3, 3), torch.zeros(3));
        Assert.Contains("[5, 4]", Assert.Throws<GenShapeException>(() => flow.Forward(torch.zeros(5, 4))).Message);
        Assert.Throws<ArgumentException>(() => Sylvester.Orthonormalise(torch.tensor(new[,] { { 1.0, 1.0 }, { 1.0, 1.0 } })));
    }
}
