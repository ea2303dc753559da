using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The sampling pass of a <see cref="PixelCnnModel"/>. Only the 7×7 input convolution and each residual block's 3×3
/// convolution read a neighbourhood, so only their inputs are kept over the image (the network's input, and each block's
/// <c>relu(down(relu(h)))</c>); every 1×1 layer and the residual sums are computed at the pixel alone.
/// </summary>
internal sealed class PixelCnnPass : IPixelPass
{
    private readonly PixelConvStep input;
    private readonly (PixelConvStep Down, PixelConvStep Conv, PixelConvStep Up)[] blocks;
    private readonly PixelConvStep output1;
    private readonly PixelConvStep output2;
    private readonly PixelCache image;
    private readonly PixelCache[] inner;

    internal PixelCnnPass(
        PixelConvStep input,
        (PixelConvStep Down, PixelConvStep Conv, PixelConvStep Up)[] blocks,
        PixelConvStep output1,
        PixelConvStep output2,
        long count,
        long[] imageShape,
        long innerChannels,
        torch.Tensor reference)
    {
        this.input = input;
        this.blocks = blocks;
        this.output1 = output1;
        this.output2 = output2;
        image = new PixelCache(count, imageShape[0], imageShape[1], imageShape[2], input.Margin, reference);
        inner = blocks.Select(b => new PixelCache(count, innerChannels, imageShape[1], imageShape[2], b.Conv.Margin, reference)).ToArray();
    }

    /// <inheritdoc/>
    public void BeginRow(long row)
    {
    }

    /// <inheritdoc/>
    public torch.Tensor HeadParameters(long row, long column)
    {
        var h = input.At(image, row, column);
        for (int b = 0; b < blocks.Length; b++)
        {
            inner[b].Write(row, column, torch.nn.functional.relu(blocks[b].Down.Pointwise(torch.nn.functional.relu(h))));
            var y = blocks[b].Conv.At(inner[b], row, column);
            h = h + blocks[b].Up.Pointwise(torch.nn.functional.relu(y));
        }

        h = output1.Pointwise(torch.nn.functional.relu(h));
        return output2.Pointwise(torch.nn.functional.relu(h));
    }

    /// <inheritdoc/>
    public void Write(long row, long column, long channel, torch.Tensor networkInput) => image.Write(row, column, channel, networkInput);
}
