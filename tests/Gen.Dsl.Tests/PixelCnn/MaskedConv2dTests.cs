using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

public class MaskedConv2dTests
{
    [Fact]
    public void One_channel_masks_open_the_rows_above_and_the_left_of_the_centre()
    {
        var a = MaskedConv2d.Create(1, 1, 3, MaskType.A).Mask.reshape(3, 3);
        var b = MaskedConv2d.Create(1, 1, 3, MaskType.B).Mask.reshape(3, 3);
        var expectedA = torch.tensor(new float[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 }).reshape(3, 3);
        Assert.True(a.allclose(expectedA, 0, 0));
        Assert.True(b.allclose(expectedA.index_put_(torch.tensor(1f), torch.tensor(1L), torch.tensor(1L)), 0, 0));
    }

    [Fact]
    public void Colour_groups_order_the_centre_tap_red_green_blue()
    {
        // 3 image channels into 6 features: features 0-1 are red, 2-3 green, 4-5 blue.
        var a = MaskedConv2d.Create(3, 6, 3, MaskType.A, colours: 3).Mask.select(3, 1).select(2, 1);
        var b = MaskedConv2d.Create(6, 6, 1, MaskType.B, colours: 3).Mask.reshape(6, 6);
        var expectedA = torch.tensor(new float[]
        {
            0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0,
        }).reshape(6, 3);
        Assert.True(a.allclose(expectedA, 0, 0));
        for (int o = 0; o < 6; o++)
        {
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(i / 2 <= o / 2 ? 1f : 0f, b[o, i].item<float>());
            }
        }

        // Taps off the centre see every channel.
        var above = MaskedConv2d.Create(3, 6, 3, MaskType.A, colours: 3).Mask.select(3, 1).select(2, 0);
        Assert.True(above.eq(1).all().item<bool>());
    }

    [Fact]
    public void The_output_ignores_masked_taps_whatever_their_weights()
    {
        var conv = MaskedConv2d.Create(1, 2, 5, MaskType.A);
        var x = torch.randn(new long[] { 1, 1, 6, 6 }, generator: Gen.Seed.Generator(0));
        var before = conv.forward(x);
        using (torch.no_grad())
        {
            conv.Weight.add_((1 - conv.Mask) * 100);
        }

        Assert.True(conv.forward(x).allclose(before, 0, 0));
        Assert.Equal(new long[] { 1, 2, 6, 6 }, before.shape);
    }

    [Fact]
    public void An_all_ones_mask_gives_a_plain_convolution()
    {
        var conv = MaskedConv2d.Create(4, 4, 1, MaskType.B);
        Assert.True(conv.Mask.eq(1).all().item<bool>());
        var x = torch.randn(new long[] { 2, 4, 3, 3 }, generator: Gen.Seed.Generator(0));
        var plain = Gen.Runtime.Convolutions.Conv2d(x, conv.Weight, conv.Bias);
        Assert.True(conv.forward(x).allclose(plain, 0, 0));
    }

    [Fact]
    public void Bad_sizes_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskedConv2d.Create(1, 1, 4, MaskType.A));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskedConv2d.Create(3, 2, 3, MaskType.A, colours: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaskedConv2d.Create(1, 1, 3, MaskType.A, colours: 0));
    }
}
