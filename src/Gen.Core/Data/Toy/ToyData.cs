using System;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// Samples the two-dimensional toy sets (<see cref="ToySet"/>). Points are drawn on the CPU from the given generator
/// and then moved to the device, so a seed gives the same points on every device. As in the reference generators,
/// moons, circles and rings place their points at evenly spaced angles before adding noise; every set is returned in
/// random order.
/// </summary>
public static class ToyData
{
    /// <summary>Draws <paramref name="count"/> points, shape [count, 2].</summary>
    /// <param name="set">Which distribution.</param>
    /// <param name="count">How many points (at least 1).</param>
    /// <param name="device">Where the result lives.</param>
    /// <param name="generator">A CPU generator, for example <c>Seed.Generator(seed)</c>.</param>
    /// <param name="dtype">The floating-point type of the result.</param>
    public static torch.Tensor Sample(ToySet set, long count, torch.Device device, torch.Generator generator, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(generator);
        GenRuntime.EnsureLoaded();
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Draw at least one point.");
        }

        if (generator.device.type != DeviceType.CPU)
        {
            throw new ArgumentException($"Toy sets are drawn on the CPU; pass a CPU generator, not one on {generator.device}.", nameof(generator));
        }

        using var scope = torch.NewDisposeScope();
        var g = new Draw(generator);
        var points = set switch
        {
            ToySet.Moons => Moons(count, g),
            ToySet.Circles => Circles(count, g),
            ToySet.EightGaussians => EightGaussians(count, g),
            ToySet.TwentyFiveGaussians => TwentyFiveGaussians(count, g),
            ToySet.Checkerboard => Checkerboard(count, g),
            ToySet.Pinwheel => Pinwheel(count, g),
            ToySet.Rings => Rings(count, g),
            ToySet.Spirals => Spirals(count, g),
            _ => throw new ArgumentOutOfRangeException(nameof(set), set, "Unknown toy set."),
        };
        var shuffled = points.index_select(0, torch.randperm(count, generator: generator));
        return shuffled.to(dtype, device).MoveToOuterDisposeScope();
    }

    private static torch.Tensor Moons(long n, Draw g)
    {
        var outer = n / 2;
        var inner = n - outer;
        var a = torch.linspace(0, Math.PI, outer, torch.float64);
        var b = torch.linspace(0, Math.PI, inner, torch.float64);
        var x = torch.cat(new[] { a.cos(), 1 - b.cos() });
        var y = torch.cat(new[] { a.sin(), 1 - b.sin() - 0.5 });
        var points = torch.stack(new[] { x, y }, 1) + (g.Normal(n, 2) * 0.1);
        return (points * 2) + torch.tensor(new[] { -1.0, -0.2 });
    }

    private static torch.Tensor Circles(long n, Draw g)
    {
        var outer = n / 2;
        var inner = n - outer;
        var ring = Circle(outer, 1.0);
        var points = torch.cat(new[] { ring, Circle(inner, 0.5) }) + (g.Normal(n, 2) * 0.08);
        return points * 3;
    }

    private static torch.Tensor EightGaussians(long n, Draw g)
    {
        var angle = g.Integers(8, n).to(torch.float64) * (Math.PI / 4);
        var centres = torch.stack(new[] { angle.cos(), angle.sin() }, 1) * 4;
        return (centres + (g.Normal(n, 2) * 0.5)) / 1.414;
    }

    private static torch.Tensor TwentyFiveGaussians(long n, Draw g)
    {
        var index = torch.arange(n, dtype: torch.float64) % 25;
        var column = index % 5;
        var centres = torch.stack(new[] { (index - column) / 5, column }, 1).sub(2) * 2;
        return (centres + (g.Normal(n, 2) * 0.05)) / 2.828;
    }

    private static torch.Tensor Checkerboard(long n, Draw g)
    {
        var x1 = (g.Uniform(n) * 4) - 2;
        var x2 = g.Uniform(n) - (g.Integers(2, n).to(torch.float64) * 2) + x1.floor().remainder(2);
        return torch.stack(new[] { x1, x2 }, 1) * 2;
    }

    private static torch.Tensor Pinwheel(long n, Draw g)
    {
        const int arms = 5;
        var features = g.Normal(n, 2) * torch.tensor(new[] { 0.3, 0.1 });
        features[.., 0].add_(1);
        var arm = (torch.arange(n, dtype: torch.int64) % arms).to(torch.float64);
        var angle = (arm * (2 * Math.PI / arms)) + (features[.., 0].exp() * 0.25);
        var (c, s) = (angle.cos(), angle.sin());
        var f0 = features[.., 0];
        var f1 = features[.., 1];
        // The row vector (f0, f1) times the rotation [[cos, -sin], [sin, cos]].
        return torch.stack(new[] { (f0 * c) + (f1 * s), (f1 * c) - (f0 * s) }, 1) * 2;
    }

    private static torch.Tensor Rings(long n, Draw g)
    {
        var quarter = n / 4;
        var innermost = n - (3 * quarter);
        var rings = torch.cat(new[] { Circle(quarter, 1.0), Circle(quarter, 0.75), Circle(quarter, 0.5), Circle(innermost, 0.25) });
        return (rings * 3) + (g.Normal(n, 2) * 0.08);
    }

    private static torch.Tensor Spirals(long n, Draw g)
    {
        var half = n / 2;
        var arm = n - half;
        var t = g.Uniform(arm).sqrt() * (540 * 2 * Math.PI / 360);
        var x = (-t.cos() * t) + (g.Uniform(arm) * 0.5);
        var y = (t.sin() * t) + (g.Uniform(arm) * 0.5);
        var first = torch.stack(new[] { x, y }, 1);
        // With an odd count the first arm has one point more.
        var points = torch.cat(new[] { first, -first[..(int)half] }) / 3;
        return points + (g.Normal(n, 2) * 0.1);
    }

    /// <summary>Points at evenly spaced angles on a circle (the end point left out, so none repeats).</summary>
    private static torch.Tensor Circle(long n, double radius)
    {
        var angle = torch.arange(n, dtype: torch.float64) * (2 * Math.PI / Math.Max(n, 1));
        return torch.stack(new[] { angle.cos(), angle.sin() }, 1) * radius;
    }

    /// <summary>Float64 draws from one CPU generator.</summary>
    private sealed class Draw(torch.Generator generator)
    {
        public torch.Tensor Normal(long n, long d) => torch.randn(new[] { n, d }, torch.float64, generator: generator);

        public torch.Tensor Uniform(long n) => torch.rand(new[] { n }, torch.float64, generator: generator);

        public torch.Tensor Integers(long high, long n) => torch.randint(0, high, new[] { n }, torch.int64, generator: generator);
    }
}
