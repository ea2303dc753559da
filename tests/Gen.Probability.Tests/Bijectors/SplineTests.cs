using System;
using System.Linq;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Bijectors;

public class SplineTests
{
    private static torch.Tensor Randn(torch.Generator g, double scale, params long[] shape) =>
        torch.randn(shape, dtype: torch.float64, generator: g) * scale;

    // Random splines, one per element of a [batch, features] input, with parameters large enough to bend them hard.
    private static RationalQuadraticSpline Spline(int seed, long batch, long features, long bins, double bound, double scale = 2.0)
    {
        using var g = new torch.Generator((ulong)(uint)seed);
        return new RationalQuadraticSpline(
            Randn(g, scale, batch, features, bins),
            Randn(g, scale, batch, features, bins),
            Randn(g, scale, batch, features, bins - 1),
            bound);
    }

    [Property(MaxTest = 30)]
    public void Splines_satisfy_the_bijector_laws_inside_and_outside_the_interval(int seed, PositiveInt bins, PositiveInt features, bool wide)
    {
        using var scope = torch.NewDisposeScope();
        long k = 2 + (bins.Get % 9);
        long d = 1 + (features.Get % 4);
        double bound = wide ? 5.0 : 1.5;
        var spline = Spline(seed, 3, d, k, bound);
        using var g = new torch.Generator((ulong)(uint)seed + 7);
        var x = Randn(g, bound, 3, d); // about a third of the points fall in the identity tails
        BijectorLaws.All(spline, x, 1e-6);
    }

    // One spline, evaluated at many points: its parameters repeated along the points.
    private static RationalQuadraticSpline Shared(long points, double bound, double scale = 1.5)
    {
        using var g = new torch.Generator(4);
        var w = Randn(g, scale, 1, 1, 6);
        var h = Randn(g, scale, 1, 1, 6);
        var d = Randn(g, scale, 1, 1, 5);
        return new RationalQuadraticSpline(w.expand(1, points, 6), h.expand(1, points, 6), d.expand(1, points, 5), bound);
    }

    [Fact]
    public void A_spline_is_increasing_and_continuous_and_meets_its_tails_with_slope_one()
    {
        const double bound = 2.0;
        const long n = 20001;
        var grid = torch.linspace(-bound - 0.5, bound + 0.5, n, dtype: torch.float64).reshape(1, n);
        var t = Shared(n, bound).ForwardAndLogDet(grid);
        var y = t.Value.flatten();
        Assert.True((y[1..] - y[..^1]).min().item<double>() > 0, "the spline must be strictly increasing");

        // No jumps: y(x) − y(x₀) equals the integral of its derivative exp(log-det) along the grid (trapezoid rule).
        var slope = t.LogDet.flatten().exp();
        double dx = (2 * bound + 1) / (n - 1);
        var integral = torch.cat(new[] { torch.zeros(1, dtype: torch.float64), ((slope[1..] + slope[..^1]) * (dx / 2)).cumsum(0) });
        double gap = (integral - (y - y[0])).abs().max().item<double>();
        Assert.True(gap < 1e-3, $"the spline and the integral of its derivative part by {gap}");

        // At ±B the value is ±B and the slope 1, as the identity tails need.
        var edges = Shared(2, bound).ForwardAndLogDet(torch.tensor(new[] { -bound, bound }, dtype: torch.float64).reshape(1, 2));
        Assert.True(edges.Value.allclose(torch.tensor(new[] { -bound, bound }, dtype: torch.float64).reshape(1, 2), 1e-12, 1e-12));
        Assert.True(edges.LogDet.abs().max().item<double>() < 1e-9);
    }

    [Fact]
    public void Zero_parameters_give_the_identity()
    {
        var spline = new RationalQuadraticSpline(torch.zeros(3, 4, 7, dtype: torch.float64), torch.zeros(3, 4, 7, dtype: torch.float64), torch.zeros(3, 4, 6, dtype: torch.float64), 2.0);
        using var g = new torch.Generator(1);
        var x = Randn(g, 2.0, 3, 4);
        var t = spline.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 1e-12, 1e-12));
        Assert.True(t.LogDet.abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Outside_the_interval_a_spline_is_the_identity()
    {
        var spline = Spline(11, 1, 4, 5, 1.0);
        var x = torch.tensor(new[] { -3.0, -1.0001, 1.0001, 7.0 }, dtype: torch.float64).reshape(1, 4);
        var t = spline.ForwardAndLogDet(x);
        Assert.True(t.Value.allclose(x, 0, 0));
        Assert.True(t.LogDet.allclose(torch.zeros_like(x), 0, 0));
    }

    [Fact]
    public void Extreme_parameters_and_inputs_stay_finite()
    {
        var spline = Spline(5, 2, 3, 8, 3.0, scale: 40.0);
        var x = torch.tensor(new[] { -3.0, -2.9999999, 0.0, 2.9999999, 3.0, 1e8 }, dtype: torch.float64).reshape(2, 3);
        var f = spline.ForwardAndLogDet(x);
        var b = spline.InverseAndLogDet(f.Value);
        Assert.True(f.Value.isfinite().all().item<bool>() && f.LogDet.isfinite().all().item<bool>());
        Assert.True(b.Value.allclose(x, 1e-6, 1e-6));
    }

    [Fact]
    public void Mismatched_parameter_shapes_are_named()
    {
        var e = Assert.Throws<GenShapeException>(() => new RationalQuadraticSpline(torch.zeros(2, 5), torch.zeros(2, 5), torch.zeros(2, 5)));
        Assert.Equal("rq_spline", e.Node);
        Assert.Contains("[2, 5]", e.Message);
    }

    [Property(MaxTest = 20)]
    public void Spline_couplings_satisfy_the_laws(int seed, PositiveInt features, bool flip)
    {
        using var scope = torch.NewDisposeScope();
        long d = 2 + (features.Get % 4);
        const long bins = 5;
        var mask = torch.tensor(Enumerable.Range(0, (int)d).Select(i => (i % 2 == 0) ^ flip ? 1.0 : 0.0).ToArray(), dtype: torch.float64);
        using var g = new torch.Generator((ulong)(uint)seed);
        var w = Randn(g, 0.5, d, d * (3 * bins - 1));
        var coupling = new SplineCoupling(mask, kept =>
        {
            var h = torch.tanh(kept.matmul(w)) * 3;
            var p = h.reshape(kept.shape[0], d, 3 * bins - 1);
            return new SplineParameters(p.narrow(-1, 0, bins), p.narrow(-1, bins, bins), p.narrow(-1, 2 * bins, bins - 1));
        }, bound: 2.0);
        var x = Randn(g, 2.0, 4, d);
        BijectorLaws.All(coupling, x, 1e-6);
        // Kept entries pass through exactly.
        var y = coupling.Forward(x);
        Assert.True((y * mask).allclose(x * mask, 0, 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    public void A_bin_count_outside_two_to_the_most_that_fit_is_refused(int bins)
    {
        // At 1000 bins the minimum share (0.001) of each would take the whole interval; beyond, widths turn negative.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RationalQuadraticSpline(
            torch.zeros(2, bins, dtype: torch.float64), torch.zeros(2, bins, dtype: torch.float64), torch.zeros(2, Math.Max(bins - 1, 0), dtype: torch.float64)));
        Assert.Contains($"2 to {RationalQuadraticSpline.MaxBins} bins", e.Message);
        var most = new RationalQuadraticSpline(torch.zeros(2, 999, dtype: torch.float64), torch.zeros(2, 999, dtype: torch.float64), torch.zeros(2, 998, dtype: torch.float64));
        Assert.Equal(999, most.Bins);
    }
}
