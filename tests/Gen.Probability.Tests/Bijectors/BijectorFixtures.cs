using System;
using System.Linq;
using FsCheck;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;

namespace Gen.Probability.Tests.Bijectors;

/// <summary>Random float64 bijectors and inputs built from a seed, so FsCheck can shrink over seeds and sizes.</summary>
internal static class BijectorFixtures
{
    /// <summary>An event size from 1 to 5, from an integer FsCheck chose (small, so autograd Jacobians stay cheap).</summary>
    public static long SmallFeatures(PositiveInt n) => 1 + (n.Get % 5);

    /// <summary>A batch size from 1 to 4.</summary>
    public static long SmallBatch(PositiveInt n) => 1 + (n.Get % 4);

    public static torch.Generator Rng(int seed) => new((ulong)(seed & 0x7fffffff), torch.CPU);

    public static torch.Tensor Input(int seed, long batch, long features) =>
        torch.randn(new[] { batch, features }, dtype: torch.float64, generator: Rng(seed + 1));

    public static ElementwiseAffine Affine(int seed, long features, int eventRank)
    {
        var g = Rng(seed + 2);
        return new ElementwiseAffine(
            torch.randn(features, dtype: torch.float64, generator: g),
            0.5 * torch.randn(features, dtype: torch.float64, generator: g),
            eventRank);
    }

    /// <summary>A coupling whose conditioner is a small random tanh network, like RealNVP's.</summary>
    public static AffineCoupling Coupling(int seed, long features, bool flipMask)
    {
        var g = Rng(seed + 3);
        var mask = torch.tensor(Enumerable.Range(0, (int)features).Select(i => (double)(((i % 2) == 0) ^ flipMask ? 1 : 0)).ToArray());
        var w1 = 0.5 * torch.randn(new[] { features, 8L }, dtype: torch.float64, generator: g);
        var w2 = 0.5 * torch.randn(new[] { 8L, 2 * features }, dtype: torch.float64, generator: g);
        return new AffineCoupling(mask, kept =>
        {
            var h = torch.tanh(kept.matmul(w1)).matmul(w2);
            var parts = h.chunk(2, -1);
            return new AffineParameters(parts[0], torch.tanh(parts[1]));
        });
    }

    public static IBijector RealNvpLike(int seed, long features) =>
        BijectorExtensions.Chain(new IBijector[]
        {
            // tanh first: after the affine parts values can reach |x| > 15, where tanh rounds to ±1 in float64
            // and no inverse can recover x.
            Elementwise.Tanh,
            Coupling(seed, features, false),
            Permutation.Random((int)features, seed),
            Coupling(seed + 10, features, true),
            Affine(seed, features, 1),
        });
}
