using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The sampling pass of a <see cref="GatedPixelCnnModel"/>. The vertical stack at row i sees only rows above i, so it is
/// computed a whole row at a time when the row begins (a later layer's vertical convolution reads the centre row of
/// the layer below, to the right of the pixel too); the horizontal stack is computed pixel by pixel from the kept
/// outputs to the pixel's left and the row's vertical features.
/// </summary>
internal sealed class GatedPixelCnnPass : IPixelPass
{
    private readonly GatedPixelLayerSteps[] layers;
    private readonly PixelConvStep output1;
    private readonly PixelConvStep output2;
    private readonly PixelCache image;
    private readonly PixelCache[] vertical; // the input of layer l's vertical convolution, l ≥ 1
    private readonly PixelCache[] horizontal; // the input of layer l's horizontal convolution, l ≥ 1
    private readonly torch.Tensor[] verticalRow; // layer l's vertical convolution over the current row, before the class bias: [batch, 2p, 1, W]

    internal GatedPixelCnnPass(GatedPixelLayerSteps[] layers, PixelConvStep output1, PixelConvStep output2, long count, long[] imageShape, long filters, torch.Tensor reference)
    {
        this.layers = layers;
        this.output1 = output1;
        this.output2 = output2;
        long height = imageShape[1];
        long width = imageShape[2];
        image = new PixelCache(count, imageShape[0], height, width, System.Math.Max(layers[0].Vertical.Margin, layers[0].Horizontal.Margin), reference);
        vertical = layers.Select((l, i) => i == 0 ? image : new PixelCache(count, filters, height, width, l.Vertical.Margin, reference)).ToArray();
        horizontal = layers.Select((l, i) => i == 0 ? image : new PixelCache(count, filters, height, width, l.Horizontal.Margin, reference)).ToArray();
        verticalRow = layers.Select(_ => torch.zeros(new[] { count, 2 * filters, 1, width }, dtype: reference.dtype, device: reference.device)).ToArray();
    }

    /// <inheritdoc/>
    public void BeginRow(long row)
    {
        for (int l = 0; l < layers.Length; l++)
        {
            var pre = layers[l].Vertical.Row(vertical[l], row);
            verticalRow[l].copy_(pre);
            if (l + 1 < layers.Length)
            {
                if (layers[l].ClassVertical is { } bias)
                {
                    pre = pre + bias.unsqueeze(-1).unsqueeze(-1);
                }

                vertical[l + 1].WriteRow(row, GatedPixelLayer.Gate(pre));
            }
        }
    }

    /// <inheritdoc/>
    public torch.Tensor HeadParameters(long row, long column)
    {
        torch.Tensor? h = null;
        for (int l = 0; l < layers.Length; l++)
        {
            var layer = layers[l];
            var pre = layer.Horizontal.At(horizontal[l], row, column) + layer.Link.Pointwise(verticalRow[l].select(3, column).select(2, 0));
            if (layer.ClassHorizontal is { } bias)
            {
                pre = pre + bias;
            }

            h = layer.Output.Pointwise(GatedPixelLayer.Gate(pre));
            if (layer.Residual)
            {
                h = horizontal[l].At(row, column) + h;
            }

            if (l + 1 < layers.Length)
            {
                horizontal[l + 1].Write(row, column, h);
            }
        }

        h = output1.Pointwise(torch.nn.functional.relu(h!));
        return output2.Pointwise(torch.nn.functional.relu(h));
    }

    /// <inheritdoc/>
    public void Write(long row, long column, long channel, torch.Tensor networkInput) => image.Write(row, column, channel, networkInput);
}
