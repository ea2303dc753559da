using System;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class PlanarRadialTests
{
    private static long Features(PositiveInt n) => 1 + (n.Get % 5);

    private static long Batch(PositiveInt n) => 1 + (n.Get % 4);

    /// <summary>
    /// A planar map with N(0, 1) parameters: either one set (w, u [D], b scalar) or, when <paramref name="amortised"/>, one
    /// set per batch element (w, u [batch, D], b [batch]) as an encoder would produce.
    /// </summary>
    private static Planar RandomPlanar(int seed, long batch, long features, bool amortised)
    {
        var g = Rng(seed + 20);
        var lead = amortised ? new[] { batch } : Array.Empty<long>();
        return new Planar(
            torch.randn([.. lead, features], dtype: torch.float64, generator: g),
            torch.randn([.. lead, features], dtype: torch.float64, generator: g),
            torch.randn(lead, dtype: torch.float64, generator: g));
    }

    private static Radial RandomRadial(int seed, long batch, long features, bool amortised)
    {
        var g = Rng(seed + 30);
        var lead = amortised ? new[] { batch } : Array.Empty<long>();
        return new Radial(
            torch.randn([.. lead, features], dtype: torch.float64, generator: g),
            torch.randn(lead, dtype: torch.float64, generator: g),
            2 * torch.randn(lead, dtype: torch.float64, generator: g));
    }

    [Property(MaxTest = 30)]
    public void Planar_satisfies_the_laws_with_its_numerical_inverse(int seed, PositiveInt d, PositiveInt b, bool amortised)
    {
        using var scope = torch.NewDisposeScope();
        var planar = RandomPlanar(seed, Batch(b), Features(d), amortised);
        var x = 2 * Input(seed, Batch(b), Features(d));
        BijectorLaws.All(planar, x, 1e-6);
        // The inverse's autograd Jacobian (through the root-finder's last Newton step) has the right determinant too.
        BijectorLaws.All(planar.Inverted(), planar.Forward(x), 1e-6);
    }

    [Property(MaxTest = 30)]
    public void Radial_satisfies_the_laws(int seed, PositiveInt d, PositiveInt b, bool amortised)
    {
        using var scope = torch.NewDisposeScope();
        var radial = RandomRadial(seed, Batch(b), Features(d), amortised);
        var x = 2 * Input(seed, Batch(b), Features(d));
        BijectorLaws.All(radial, x, 1e-6);
        BijectorLaws.All(radial.Inverted(), radial.Forward(x), 1e-6);
    }

    [Fact]
    public void Planar_keeps_w_dot_u_hat_above_minus_one_even_for_an_opposed_u()
    {
        // u = −5w would fold space (wᵀu = −20 < −1); the projection gives wᵀû = −1 + softplus(−20) > −1 instead.
        var w = torch.tensor(new[] { 2.0, 0.0 }, dtype: torch.float64);
        var planar = new Planar(w, -5 * w, torch.tensor(0.3, dtype: torch.float64));
        var wu = planar.ConstrainedInnerProduct().item<double>();
        Assert.True(wu > -1);
        Assert.Equal(-1 + Math.Log(1 + Math.Exp(-20)), wu, 12);
        Assert.Equal(wu, (w * planar.ConstrainedU()).sum().item<double>(), 12);
        var x = torch.linspace(-3, 3, 14, dtype: torch.float64).reshape(7, 2);
        BijectorLaws.RoundTrips(planar, x, 1e-6);
        BijectorLaws.LogDetMatchesJacobian(planar, x, 1e-6);
    }

    [Fact]
    public void Planar_inverts_far_from_the_hyperplane_and_in_float32()
    {
        var planar = RandomPlanar(3, 1, 3, amortised: false);
        var far = torch.tensor(new[,] { { 40.0, -30.0, 25.0 }, { -1e3, 2e3, 5e2 }, { 0.0, 0.0, 0.0 } }, dtype: torch.float64);
        BijectorLaws.RoundTrips(planar, far, 1e-9);

        var single = new Planar(torch.tensor(new[] { 0.5f, -1.5f }), torch.tensor(new[] { 2f, 1f }), torch.tensor(0.2f));
        var x = torch.randn(new long[] { 100, 2 }, generator: Rng(4));
        var back = single.Inverse(single.Forward(x));
        Assert.True(torch.allclose(back, x, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Planar_inverse_gradients_with_respect_to_the_parameters_match_finite_differences()
    {
        // The root is found without gradient; the final Newton step must still give d(f⁻¹(y))/dθ.
        var g = Rng(5);
        var w = torch.randn(3, dtype: torch.float64, generator: g).requires_grad_(true);
        var u = torch.randn(3, dtype: torch.float64, generator: g);
        var b = torch.tensor(0.4, dtype: torch.float64);
        var y = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
        var weights = torch.randn(new long[] { 4, 3 }, dtype: torch.float64, generator: g);
        double Objective(torch.Tensor wv)
        {
            var inv = new Planar(wv, u, b).InverseAndLogDet(y);
            return ((inv.Value * weights).sum() + inv.LogDet.sum()).item<double>();
        }

        var result = new Planar(w, u, b).InverseAndLogDet(y);
        var grad = torch.autograd.grad(new[] { (result.Value * weights).sum() + result.LogDet.sum() }, new[] { w })[0];
        using var noGrad = torch.no_grad();
        for (int i = 0; i < 3; i++)
        {
            var e = torch.zeros(3, dtype: torch.float64);
            e[i] = torch.tensor(1e-6, dtype: torch.float64);
            double numeric = (Objective(w + e) - Objective(w - e)) / 2e-6;
            Assert.Equal(numeric, grad[i].item<double>(), 5);
        }
    }

    [Fact]
    public void Radial_inverts_at_and_near_its_centre_and_when_strongly_contracting()
    {
        // c = −30 makes β = −α + softplus(−30) ≈ −α: almost everything is pulled onto the centre, the hardest case.
        var center = torch.tensor(new[] { 0.5, -0.5, 1.0 }, dtype: torch.float64);
        var contracting = new Radial(center, torch.tensor(0.3, dtype: torch.float64), torch.tensor(-30.0, dtype: torch.float64));
        var x = torch.cat(new[] { center.unsqueeze(0), center.unsqueeze(0) + 1e-7, Input(6, 4, 3) }, 0);
        BijectorLaws.RoundTrips(contracting, x, 1e-6);
        var expanding = new Radial(center, torch.tensor(-1.0, dtype: torch.float64), torch.tensor(3.0, dtype: torch.float64));
        BijectorLaws.RoundTrips(expanding, x, 1e-9);
        BijectorLaws.InverseLogDetIsNegated(expanding, x, 1e-9);
        Assert.True(expanding.Forward(center.unsqueeze(0)).allclose(center.unsqueeze(0), 0, 0)); // the centre is fixed
    }

    [Fact]
    public void Radial_starts_at_the_identity_with_zero_parameters()
    {
        var zero = torch.zeros(Array.Empty<long>(), dtype: torch.float64);
        var radial = new Radial(torch.ones(3, dtype: torch.float64), zero, zero);
        var x = Input(7, 5, 3);
        var t = radial.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 0, 1e-15));
        Assert.True(t.LogDet.abs().max().item<double>() < 1e-15);
    }

    [Fact]
    public void Shapes_that_do_not_fit_get_clear_errors()
    {
        var e = Assert.Throws<GenShapeException>(() => new Planar(torch.zeros(3), torch.zeros(4), torch.zeros(Array.Empty<long>())));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[4]", e.Message);
        var planar = new Planar(torch.ones(3), torch.ones(3), torch.zeros(Array.Empty<long>()));
        Assert.Equal("planar", Assert.Throws<GenShapeException>(() => planar.Forward(torch.zeros(2, 4))).Node);
        Assert.Equal("planar", Assert.Throws<GenShapeException>(() => planar.Inverse(torch.zeros(2, 4))).Node);
        Assert.Throws<GenShapeException>(() => new Radial(torch.tensor(1.0), torch.tensor(0.0), torch.tensor(0.0)));
        var radial = new Radial(torch.ones(3), torch.tensor(0.0), torch.tensor(0.0));
        Assert.Equal("radial", Assert.Throws<GenShapeException>(() => radial.Forward(torch.zeros(2, 2))).Node);
    }
}
