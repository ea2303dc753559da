using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A layer's input over the whole image, kept through one sampling pass: [batch, C, H + 2m, W + 2m] with a border of
/// <see cref="Margin"/> zeros on every side, which is the zero padding the layer's convolution would add. Positions not
/// written yet hold zeros; a causal layer's mask never reads them.
/// </summary>
internal sealed class PixelCache
{
    internal PixelCache(long batch, long channels, long height, long width, long margin, torch.Tensor reference)
    {
        Margin = margin;
        Width = width;
        Values = torch.zeros(new[] { batch, channels, height + (2 * margin), width + (2 * margin) }, dtype: reference.dtype, device: reference.device);
    }

    /// <summary>The padded values.</summary>
    internal torch.Tensor Values { get; }

    /// <summary>Zeros on each side.</summary>
    internal long Margin { get; }

    /// <summary>The image's width.</summary>
    internal long Width { get; }

    /// <summary>The values at pixel (<paramref name="row"/>, <paramref name="column"/>), [batch, C] (a view).</summary>
    internal torch.Tensor At(long row, long column) => Values.select(3, column + Margin).select(2, row + Margin);

    /// <summary>Writes <paramref name="value"/> ([batch, C]) at pixel (<paramref name="row"/>, <paramref name="column"/>).</summary>
    internal void Write(long row, long column, torch.Tensor value) => At(row, column).copy_(value);

    /// <summary>Writes channel <paramref name="channel"/> ([batch]) at pixel (<paramref name="row"/>, <paramref name="column"/>).</summary>
    internal void Write(long row, long column, long channel, torch.Tensor value) => At(row, column).select(1, channel).copy_(value);

    /// <summary>Writes a whole row, <paramref name="value"/> [batch, C, 1, W].</summary>
    internal void WriteRow(long row, torch.Tensor value) => Values.narrow(2, row + Margin, 1).narrow(3, Margin, Width).copy_(value);
}
