using System;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Testing;

/// <summary>Random, well-conditioned float64 instances of the library's bijectors, for <see cref="Arbitraries"/>.</summary>
internal static class RandomBijectors
{
    private const int Hidden = 8;
    private const int Bins = 4;

    /// <summary>One random bijector of vectors of size <paramref name="d"/>.</summary>
    public static IBijector Vector(Random rng, long d)
    {
        var g = Arbitraries.Generator(rng.Next());
        torch.Tensor N(params long[] shape) => torch.randn(shape, dtype: torch.float64, generator: g);
        switch (rng.Next(12))
        {
            case 0: return new ElementwiseAffine(N(d), 0.5 * N(d), eventRank: 1);
            case 1: return Elementwise.LeakyReLU(0.2 + 1.8 * rng.NextDouble());
            case 2: return Permutation.Random((int)d, rng.Next());
            case 3: return Lu(rng, g, d);
            case 4: return new Householder(N(1 + rng.Next((int)d), d));
            case 5: return AffineCouplingOf(Alternating(d, rng.Next(2) == 1), g, d);
            case 6: return SplineCouplingOf(Alternating(d, rng.Next(2) == 1), g, d);
            case 7: return new Planar(N(d), N(d), N());
            case 8: return new Radial(N(d), N(), N());
            case 9: return Sylvester.FromHouseholder(N(1 + rng.Next((int)d), d), N(d, d), N(d, d), N(d));
            case 10: return new ActNorm(N(d), 0.5 * N(d), torch.tensor(true), eventRank: 1);
            default: return new BatchNorm(0.3 * N(d), N(d), N(d), torch.rand(new[] { d }, dtype: torch.float64, generator: g) + 0.5, eventRank: 1, training: false);
        }
    }

    /// <summary>One random bijector of image events of the given shape [C, H, W].</summary>
    public static IBijector Image(Random rng, long[] shape)
    {
        long c = shape[0], h = shape[1], w = shape[2];
        var g = Arbitraries.Generator(rng.Next());
        torch.Tensor N(params long[] s) => torch.randn(s, dtype: torch.float64, generator: g);
        switch (rng.Next(8))
        {
            case 0: return new ActNorm(N(c), 0.5 * N(c), torch.tensor(true), eventRank: 3);
            case 1: return new Invertible1x1Conv(Lu(rng, g, c));
            case 2: return new Invertible1x1Conv(Lu(rng, g, c).Weight());
            case 3: return new ElementwiseAffine(N(c, 1, 1), 0.5 * N(c, 1, 1), eventRank: 3);
            case 4: return new BatchNorm(0.3 * N(c), N(c), N(c), torch.rand(new[] { c }, dtype: torch.float64, generator: g) + 0.5, eventRank: 3, training: false);
            case 5: return Elementwise.LeakyReLU(0.2 + 1.8 * rng.NextDouble());
            case 6 when h % 2 == 0 && w % 2 == 0: return new Squeeze();
            default: return ConvolutionalCoupling(Checkerboard(shape, rng.Next(2) == 1), g, c);
        }
    }

    private static LuLinear Lu(Random rng, torch.Generator g, long d) => new(
        Permutation.Random((int)d, rng.Next()).Order,
        0.3 * torch.randn(new[] { d, d }, dtype: torch.float64, generator: g),
        0.3 * torch.randn(new[] { d, d }, dtype: torch.float64, generator: g),
        0.3 * torch.randn(new[] { d }, dtype: torch.float64, generator: g),
        torch.randint(0, 2, new[] { d }, dtype: torch.float64, generator: g) * 2 - 1);

    private static torch.Tensor Alternating(long d, bool flip) =>
        torch.tensor(Enumerable.Range(0, (int)d).Select(i => (i % 2 == 0) ^ flip ? 1.0 : 0.0).ToArray());

    private static torch.Tensor Checkerboard(long[] shape, bool flip)
    {
        var parity = (torch.arange(shape[1]).unsqueeze(1) + torch.arange(shape[2]).unsqueeze(0)).remainder(2);
        return parity.eq(flip ? 1 : 0).expand(shape).to(torch.float64);
    }

    /// <summary>RealNVP's coupling with a one-hidden-layer tanh network; the log-scale is squashed by tanh.</summary>
    private static AffineCoupling AffineCouplingOf(torch.Tensor mask, torch.Generator g, long d)
    {
        var (first, second) = Network(g, d, 2 * d);
        return new AffineCoupling(mask, kept =>
        {
            var parts = torch.tanh(kept.matmul(first)).matmul(second).chunk(2, -1);
            return new AffineParameters(parts[0], torch.tanh(parts[1]));
        });
    }

    private static SplineCoupling SplineCouplingOf(torch.Tensor mask, torch.Generator g, long d)
    {
        var (first, second) = Network(g, d, d * (3 * Bins - 1));
        return new SplineCoupling(mask, kept =>
        {
            var h = torch.tanh(kept.matmul(first)).matmul(second);
            var p = h.reshape(kept.shape.Append(3 * Bins - 1).ToArray());
            return new SplineParameters(p.narrow(-1, 0, Bins), p.narrow(-1, Bins, Bins), p.narrow(-1, 2 * Bins, Bins - 1));
        });
    }

    private static (torch.Tensor First, torch.Tensor Second) Network(torch.Generator g, long inputs, long outputs) =>
        (0.5 * torch.randn(new[] { inputs, Hidden }, dtype: torch.float64, generator: g),
         0.5 * torch.randn(new[] { Hidden, outputs }, dtype: torch.float64, generator: g));

    /// <summary>A coupling over [C, H, W] whose network is two 3×3 convolutions, as in RealNVP's image flows.</summary>
    private static AffineCoupling ConvolutionalCoupling(torch.Tensor mask, torch.Generator g, long c)
    {
        var first = 0.3 * torch.randn(new[] { (long)Hidden, c, 3, 3 }, dtype: torch.float64, generator: g);
        var second = 0.3 * torch.randn(new[] { 2 * c, Hidden, 3, 3 }, dtype: torch.float64, generator: g);
        var same = new long[] { 1, 1 };
        return new AffineCoupling(mask, kept =>
        {
            var images = kept.reshape(-1, kept.shape[^3], kept.shape[^2], kept.shape[^1]);
            var hidden = torch.tanh(Convolutions.Conv2d(images, first, padding: same));
            var output = Convolutions.Conv2d(hidden, second, padding: same);
            var parts = output.reshape(kept.shape[..^3].Concat(new[] { 2 * c, kept.shape[^2], kept.shape[^1] }).ToArray()).chunk(2, -3);
            return new AffineParameters(parts[0], torch.tanh(parts[1]));
        });
    }
}
