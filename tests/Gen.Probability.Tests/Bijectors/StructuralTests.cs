using System;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class StructuralTests
{
    private static long Batch(PositiveInt n) => 1 + (n.Get % 3);

    private static torch.Tensor Images(int seed, long batch, long c, long h, long w) =>
        torch.randn(new[] { batch, c, h, w }, dtype: torch.float64, generator: Rng(seed + 1));

    [Property(MaxTest = 20)]
    public void Squeeze_satisfies_the_laws_and_moves_each_2x2_block_into_channels(int seed, PositiveInt c, PositiveInt h, PositiveInt w, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        long channels = 1 + (c.Get % 3), height = 2 * (1 + (h.Get % 2)), width = 2 * (1 + (w.Get % 2));
        var x = Images(seed, Batch(b), channels, height, width);
        var squeeze = new Squeeze();
        BijectorLaws.All(squeeze, x);
        var y = squeeze.Forward(x);
        Assert.Equal(new[] { Batch(b), 4 * channels, height / 2, width / 2 }, y.shape);
        Assert.True(y.allclose(torch.nn.functional.pixel_unshuffle(x, 2), 0, 0));
    }

    [Fact]
    public void Squeeze_uses_the_channel_major_ordering_of_RealNVP_and_Glow()
    {
        // Two channels of a 2×2 image: output channel 4c + 2i + j holds pixel (i, j) of channel c.
        var x = torch.arange(8, dtype: torch.float64).reshape(1, 2, 2, 2);
        var y = new Squeeze().Forward(x);
        Assert.Equal(new long[] { 1, 8, 1, 1 }, y.shape);
        Assert.Equal(new[] { 0.0, 1, 2, 3, 4, 5, 6, 7 }, y.flatten().data<double>().ToArray());

        // One channel of a 4×4 image: the top-left block goes to (h, w) = (0, 0) of the four channels.
        var z = new Squeeze().Forward(torch.arange(16, dtype: torch.float64).reshape(1, 1, 4, 4));
        Assert.Equal(new[] { 0.0, 1, 4, 5 }, z[0, .., 0, 0].data<double>().ToArray());
        Assert.Equal(new[] { 10.0, 11, 14, 15 }, z[0, .., 1, 1].data<double>().ToArray());
    }

    [Fact]
    public void Squeeze_keeps_extra_leading_dimensions_and_rejects_odd_sizes()
    {
        var x = torch.randn(new long[] { 2, 3, 1, 4, 6 }, dtype: torch.float64, generator: Rng(1));
        var squeeze = new Squeeze();
        var t = squeeze.ForwardAndLogDet(x);
        Assert.Equal(new long[] { 2, 3, 4, 2, 3 }, t.Value.shape);
        Assert.Equal(new long[] { 2, 3 }, t.LogDet.shape);
        Assert.True(squeeze.Inverse(t.Value).allclose(x, 0, 0));
        Assert.Equal(new long[] { 5, 12, 2, 3 }, ((IBijector)squeeze).ForwardShape(new long[] { 5, 3, 4, 6 }));

        var odd = Assert.Throws<GenShapeException>(() => squeeze.Forward(torch.zeros(2, 1, 3, 4)));
        Assert.Contains("[1, 3, 4]", odd.Message);
        Assert.Contains("even", odd.Message);
        var channels = Assert.Throws<GenShapeException>(() => squeeze.Inverse(torch.zeros(2, 6, 2, 2)));
        Assert.Contains("divisible by 4", channels.Message);
        Assert.Throws<GenShapeException>(() => squeeze.Forward(torch.zeros(4, 4)));
    }

    [Property(MaxTest = 20)]
    public void Reshape_satisfies_the_laws_and_changes_the_event_rank(int seed, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var reshape = new Reshape(new long[] { 2, 3, 2 }, new long[] { 12 });
        var x = Images(seed, Batch(b), 2, 3, 2);
        BijectorLaws.All(reshape, x);
        var t = reshape.ForwardAndLogDet(x);
        Assert.Equal(new[] { Batch(b), 12L }, t.Value.shape);
        Assert.Equal(new[] { Batch(b) }, t.LogDet.shape);
        Assert.Equal(3, reshape.EventRank);
        Assert.Equal(1, ((IBijector)reshape).OutputEventRank);
        Assert.Equal(1, reshape.Inverted().EventRank);
        Assert.Equal(3, reshape.Inverted().OutputEventRank);
    }

    [Fact]
    public void Reshape_rejects_shapes_of_different_sizes_and_inputs_that_do_not_end_in_its_event_shape()
    {
        var sizes = Assert.Throws<GenShapeException>(() => new Reshape(new long[] { 2, 3 }, new long[] { 5 }));
        Assert.Contains("[2, 3]", sizes.Message);
        Assert.Contains("[5]", sizes.Message);
        var input = Assert.Throws<GenShapeException>(() => new Reshape(new long[] { 2, 3 }, new long[] { 6 }).Forward(torch.zeros(4, 3, 2)));
        Assert.Contains("[4, 3, 2]", input.Message);
    }

    /// <summary>A multi-scale-style chain: vector → image → squeeze → per-channel affine → vector → affine.</summary>
    private static IBijector RankChangingChain(int seed)
    {
        var g = Rng(seed + 40);
        return BijectorExtensions.Chain(new IBijector[]
        {
            new Reshape(new long[] { 8 }, new long[] { 2, 2, 2 }),
            new Squeeze(),
            new ElementwiseAffine(torch.randn(new long[] { 8, 1, 1 }, dtype: torch.float64, generator: g), 0.5 * torch.randn(new long[] { 8, 1, 1 }, dtype: torch.float64, generator: g), eventRank: 3),
            new Reshape(new long[] { 8, 1, 1 }, new long[] { 8 }),
            Affine(seed, 8, 0),
            Coupling(seed, 8, false),
        });
    }

    [Property(MaxTest = 15)]
    public void Chains_that_change_the_event_rank_satisfy_the_laws(int seed, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var chain = RankChangingChain(seed);
        Assert.Equal(1, chain.EventRank);
        Assert.Equal(1, chain.OutputEventRank);
        var x = Input(seed, Batch(b), 8);
        BijectorLaws.All(chain, x, 1e-9);
        BijectorLaws.All(chain.Inverted(), chain.Forward(x), 1e-9);

        // Ending at an image: the chain's output rank follows the reshape.
        var toImage = new Reshape(new long[] { 8 }, new long[] { 2, 2, 2 }).Then(new Squeeze());
        Assert.Equal(1, toImage.EventRank);
        Assert.Equal(3, toImage.OutputEventRank);
        BijectorLaws.All(toImage, x);
        BijectorLaws.All(toImage.Inverted(), toImage.Forward(x));
    }

    [Fact]
    public void A_transformed_distribution_over_a_rank_changing_chain_has_consistent_densities()
    {
        var baseDist = Family.DiagonalNormal(torch.zeros(8, dtype: torch.float64), torch.ones(8, dtype: torch.float64));
        var chain = new Reshape(new long[] { 8 }, new long[] { 2, 2, 2 })
            .Then(new Squeeze())
            .Then(new ElementwiseAffine(torch.zeros(new long[] { 8, 1, 1 }, dtype: torch.float64), torch.full(new long[] { 8, 1, 1 }, 0.3, dtype: torch.float64), eventRank: 3));
        var d = chain.Transform(baseDist);
        Assert.Equal(new long[] { 8, 1, 1 }, d.EventShape);
        var s = d.SampleAndLogProb(new long[] { 5 }, Rng(3));
        Assert.Equal(new long[] { 5 }, s.LogProb.shape);
        Assert.True(s.LogProb.allclose(d.LogProb(s.Value), rtol: 1e-12, atol: 1e-12));
        // The affine scales 8 numbers by e^0.3: log p drops by 8 · 0.3 against the base.
        var expected = baseDist.LogProb(chain.Inverse(s.Value)) - 8 * 0.3;
        Assert.True(s.LogProb.allclose(expected, rtol: 1e-12, atol: 1e-12));
    }

    [Property(MaxTest = 20)]
    public void Block_sums_the_inner_log_det_over_the_extra_dimensions(int seed, PositiveInt b)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(new[] { Batch(b), 2, 3 }, dtype: torch.float64, generator: Rng(seed));
        var block = new Block(Elementwise.Tanh, 2);
        Assert.Equal(2, block.EventRank);
        BijectorLaws.All(block, x, 1e-5);
        var inner = Elementwise.Tanh.ForwardAndLogDet(x).LogDet;
        Assert.True(block.ForwardAndLogDet(x).LogDet.allclose(inner.sum(new long[] { 1, 2 }), 1e-14, 1e-14));

        var vectors = new Block(Affine(seed, 3, 0), 1);
        BijectorLaws.All(vectors, x.reshape(-1, 3), 1e-9); // the laws take one batch dimension
        Assert.Equal(new[] { Batch(b), 2L }, vectors.ForwardAndLogDet(x).LogDet.shape);
    }

    [Fact]
    public void Block_rejects_a_negative_rank_and_too_small_inputs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Block(Elementwise.Exp, -1));
        var e = Assert.Throws<GenShapeException>(() => new Block(Elementwise.Exp, 2).Forward(torch.zeros(3)));
        Assert.Contains("rank 2", e.Message);
        Assert.True(new Block(new Squeeze(), 0).IsVolumePreserving);
    }
}
