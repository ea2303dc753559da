using FsCheck;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

public class PixelCnnStructureTests
{
    [Property(MaxTest = 32)]
    public void Each_pixel_channel_depends_only_on_earlier_pixels_and_earlier_channels(
        int seed, PositiveInt channels, PositiveInt height, PositiveInt width, PositiveInt blocks, PositiveInt extra, PositiveInt headKind)
    {
        int c = 1 + (channels.Get % 3), h = 1 + (height.Get % 5), w = 1 + (width.Get % 5);
        var head = (headKind.Get % 4) switch
        {
            0 => PixelHead.Bernoulli(),
            1 => PixelHead.Categorical(3),
            2 => PixelHead.Gaussian(),
            _ => PixelHead.DiscretizedLogisticMixture(components: 2, levels: 3),
        };
        using var model = Autoregressive.PixelCnn(c, h, w)
            .WithFilters(2 * (c + (extra.Get % 3)))
            .WithResidualBlocks(blocks.Get % 3)
            .WithHead(head)
            .Compile(Device.Cpu, torch.float64, seed);
        PixelDependence.OpenAllPaths(model, bias: 20);
        var influence = PixelDependence.Influence(model.HeadParameters, PixelDependence.Images(8, c, h, w, head, seed));
        AssertAutoregressive(influence, c, h, w);
    }

    [Fact]
    public void At_initialisation_the_left_and_upper_neighbours_and_earlier_channels_influence_a_pixel()
    {
        using var model = Autoregressive.PixelCnn(3, 4, 4).WithFilters(12).WithResidualBlocks(1).Compile(Device.Cpu, torch.float64, seed: 1);
        var influence = PixelDependence.Influence(model.HeadParameters, PixelDependence.Images(4, 3, 4, 4, PixelHead.Bernoulli(), 2));
        for (int c2 = 0; c2 < 3; c2++)
        {
            Assert.True(influence[2, 2, 2, c2, 2, 1]);
            Assert.True(influence[0, 2, 2, c2, 1, 2]);
            Assert.True(influence[0, 2, 2, c2, 1, 3]);
        }

        Assert.True(influence[1, 2, 2, 0, 2, 2]);
        Assert.True(influence[2, 2, 2, 0, 2, 2]);
        Assert.True(influence[2, 2, 2, 1, 2, 2]);
    }

    [Fact]
    public void Plain_PixelCnn_has_a_blind_spot_inside_its_receptive_field()
    {
        // 7×7 then two 3×3 layers: the field spans 5 rows up and 5 columns to each side, but a masked 3×3 layer
        // reaches further right only through the row above, whose own view of its row stops at its left neighbour.
        // So from pixel (i, j) the right-hand reach is 3 columns one row up, 4 two rows up, 5 three rows up.
        using var model = Autoregressive.PixelCnn(1, 8, 12).WithFilters(8).WithResidualBlocks(2).Compile(Device.Cpu, torch.float64, seed: 3);
        PixelDependence.OpenAllPaths(model, bias: 20);
        var influence = PixelDependence.Influence(model.HeadParameters, PixelDependence.Images(4, 1, 8, 12, PixelHead.Bernoulli(), 4));
        int i = 6, j = 5;
        Assert.True(influence[0, i, j, 0, i - 1, j + 3]);
        Assert.True(influence[0, i, j, 0, i - 2, j + 4]);
        Assert.True(influence[0, i, j, 0, i - 3, j + 5]);
        Assert.True(influence[0, i, j, 0, i - 5, j]);
        Assert.False(influence[0, i, j, 0, i - 1, j + 4]);
        Assert.False(influence[0, i, j, 0, i - 2, j + 5]);
        Assert.True(PixelDependence.InField(i - 1, j + 4, i, j, 2) && PixelDependence.InField(i - 2, j + 5, i, j, 2));
    }

    /// <summary>
    /// No output sees its own or a later input; every output sees the earlier channels of its own pixel and every
    /// channel of its left and upper neighbours.
    /// </summary>
    internal static void AssertAutoregressive(bool[,,,,,] influence, int c, int h, int w) =>
        PixelDependence.ForEachPair(c, h, w, (oc, oi, oj, ic, ii, ij) =>
        {
            bool before = PixelDependence.Before(ic, ii, ij, oc, oi, oj);
            Assert.False(
                !before && influence[oc, oi, oj, ic, ii, ij],
                $"output (channel {oc}, pixel {oi},{oj}) depends on input (channel {ic}, pixel {ii},{ij})");
            bool neighbour = (ii == oi && ij == oj - 1) || (ii == oi - 1 && ij == oj) || (ii == oi && ij == oj && ic < oc);
            Assert.False(
                neighbour && !influence[oc, oi, oj, ic, ii, ij],
                $"output (channel {oc}, pixel {oi},{oj}) does not see input (channel {ic}, pixel {ii},{ij})");
        });
}
