using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Toy;

public class ToyDataTests
{
    private const int N = 20_000;

    private static torch.Tensor Draw(ToySet set, long seed = 1, long count = N) =>
        ToyData.Sample(set, count, torch.CPU, Seed.Generator(seed), torch.ScalarType.Float64);

    private static double[] Mean(torch.Tensor x)
    {
        using var m = x.mean(new long[] { 0 });
        return m.data<double>().ToArray();
    }

    private static double[] Variance(torch.Tensor x)
    {
        using var v = x.var(0);
        return v.data<double>().ToArray();
    }

    public static TheoryData<ToySet> AllSets() => new(Enum.GetValues<ToySet>());

    [Theory]
    [MemberData(nameof(AllSets))]
    public void Every_set_has_the_asked_shape_and_dtype_and_repeats_with_its_seed(ToySet set)
    {
        foreach (var count in new long[] { 1, 7, 1001 })
        {
            using var a = ToyData.Sample(set, count, torch.CPU, Seed.Generator(5));
            using var b = ToyData.Sample(set, count, torch.CPU, Seed.Generator(5));
            Assert.Equal(new[] { count, 2L }, a.shape);
            Assert.Equal(torch.float32, a.dtype);
            Assert.True(a.allclose(b, 0, 0));
            Assert.True(a.isfinite().all().item<bool>());
        }

        using var c = Draw(set, seed: 1, count: 500);
        using var d = Draw(set, seed: 2, count: 500);
        Assert.False(c.allclose(d, 0, 0));
    }

    [Fact]
    public void Eight_gaussians_sit_on_a_circle_of_radius_4_over_1_414()
    {
        using var x = Draw(ToySet.EightGaussians);
        // Per coordinate: centre variance 16 / 2 plus noise 0.25, over 1.414².
        var expected = (8 + 0.25) / (1.414 * 1.414);
        Assert.All(Mean(x), m => Assert.InRange(m, -0.06, 0.06));
        Assert.All(Variance(x), v => Assert.InRange(v, expected * 0.96, expected * 1.04));
        using var radius = x.norm(1);
        Assert.InRange(radius.mean().item<double>(), (4 / 1.414) - 0.1, (4 / 1.414) + 0.1);
    }

    [Fact]
    public void Twenty_five_gaussians_have_equal_counts_per_centre()
    {
        using var x = Draw(ToySet.TwentyFiveGaussians, count: 2500);
        using var cell = (x * 2.828 / 2).round();
        // Noise 0.05 is small against the spacing 2: every point rounds to its centre.
        using var distance = (x * 2.828 / 2) - cell;
        Assert.True(distance.abs().max().item<double>() < 0.25);
        using var key = (cell[.., 0] + 2) * 5 + (cell[.., 1] + 2);
        using var counts = torch.bincount(key.to(torch.int64), minlength: 25);
        Assert.All(counts.data<long>().ToArray(), c => Assert.Equal(100, c));
    }

    [Fact]
    public void Checkerboard_points_fall_only_on_dark_squares()
    {
        using var x = Draw(ToySet.Checkerboard);
        Assert.True(x.abs().max().item<double>() <= 4);
        using var squares = (x / 2).floor();
        using var parity = (squares[.., 0] + squares[.., 1]).remainder(2);
        Assert.Equal(0.0, parity.abs().max().item<double>());
        // x1 is uniform on [-4, 4]: variance 64 / 12.
        Assert.InRange(Variance(x)[0], (64.0 / 12) * 0.96, (64.0 / 12) * 1.04);
        Assert.All(Mean(x), m => Assert.InRange(m, -0.08, 0.08));
    }

    [Fact]
    public void Moons_are_centred_at_0_and_0_3()
    {
        using var x = Draw(ToySet.Moons);
        var m = Mean(x);
        Assert.InRange(m[0], -0.02, 0.02);
        Assert.InRange(m[1], 0.28, 0.32);
    }

    [Fact]
    public void Circles_and_rings_put_their_points_near_their_radii()
    {
        static long[] NearestCounts(torch.Tensor x, double[] radii, double tolerance)
        {
            using var r = x.norm(1);
            var values = r.data<double>().ToArray();
            var counts = new long[radii.Length];
            foreach (var v in values)
            {
                var best = Enumerable.Range(0, radii.Length).MinBy(i => Math.Abs(v - radii[i]));
                Assert.True(Math.Abs(v - radii[best]) < tolerance, $"radius {v} far from every ring");
                counts[best]++;
            }

            return counts;
        }

        // Circles: noise 0.08 before the scaling by 3, so 0.24 against a gap of 1.5; a few points cross the middle.
        using var circles = Draw(ToySet.Circles, count: 4000);
        Assert.All(NearestCounts(circles, new[] { 3.0, 1.5 }, tolerance: 1.5), c => Assert.InRange(c, 1960, 2040));
        // Rings: noise 0.08 against a gap of 0.75, so every point is nearest its own ring.
        using var rings = Draw(ToySet.Rings, count: 4000);
        Assert.Equal(new long[] { 1000, 1000, 1000, 1000 }, NearestCounts(rings, new[] { 3.0, 2.25, 1.5, 0.75 }, tolerance: 0.375));
    }

    [Fact]
    public void Pinwheel_and_spirals_are_centred_and_bounded()
    {
        using var pinwheel = Draw(ToySet.Pinwheel);
        Assert.All(Mean(pinwheel), m => Assert.InRange(m, -0.05, 0.05));
        using var radius = pinwheel.norm(1);
        // The radial feature is 1 + 0.3 N(0, 1), then scaled by 2.
        Assert.InRange(radius.mean().item<double>(), 1.95, 2.2);

        using var spirals = Draw(ToySet.Spirals);
        Assert.All(Mean(spirals), m => Assert.InRange(m, -0.01, 0.01));
        using var spiralRadius = spirals.norm(1);
        Assert.True(spiralRadius.max().item<double>() < 4.0);
        Assert.InRange(spiralRadius.mean().item<double>(), 1.5, 2.5);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_their_names()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => ToyData.Sample(ToySet.Moons, 0, torch.CPU, Seed.Generator(0))).ParamName);
        Assert.Equal("set", Assert.Throws<ArgumentOutOfRangeException>(() => ToyData.Sample((ToySet)99, 5, torch.CPU, Seed.Generator(0))).ParamName);
    }
}
