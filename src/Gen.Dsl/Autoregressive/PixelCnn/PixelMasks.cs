using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Builds the 0/1 weight masks of PixelCNN convolutions. Features are split into colour groups in order: feature
/// <c>k</c> of a layer with <c>n</c> features belongs to group <c>floor(k·C / n)</c> for <c>C</c> colour channels, so the
/// image's own channels are groups 0, 1, …, C − 1 and a head's <c>C·K</c> outputs come as <c>C</c> blocks of <c>K</c>.
/// </summary>
internal static class PixelMasks
{
    /// <summary>The colour group of feature <paramref name="feature"/> of a layer with <paramref name="features"/> features.</summary>
    internal static int Group(long feature, long features, int colours) => (int)(feature * colours / features);

    /// <summary>
    /// The raster mask of a square <paramref name="kernel"/>×<paramref name="kernel"/> convolution: rows above the
    /// centre and the centre row left of the centre are open; at the centre, colour groups are compared by <paramref name="type"/>.
    /// </summary>
    internal static torch.Tensor Raster(long inChannels, long outChannels, int kernel, MaskType type, int colours)
    {
        int centre = kernel / 2;
        return Build(
            inChannels,
            outChannels,
            kernel,
            kernel,
            (r, c) => r < centre || (r == centre && c < centre),
            (centre, centre),
            type,
            k => Group(k, inChannels, colours),
            o => Group(o, outChannels, colours));
    }

    /// <summary>
    /// A mask of shape [out, in, height, width]: taps where <paramref name="open"/> holds see every input feature; the
    /// <paramref name="centre"/> tap (if any) lets output feature <c>o</c> see input feature <c>i</c> when
    /// <c>inGroup(i) &lt; outGroup(o)</c> (type A) or <c>&lt;=</c> (type B); all other taps are closed.
    /// </summary>
    internal static torch.Tensor Build(
        long inChannels,
        long outChannels,
        int height,
        int width,
        Func<int, int, bool> open,
        (int Row, int Column)? centre,
        MaskType type,
        Func<long, int> inGroup,
        Func<long, int> outGroup)
    {
        var values = new float[outChannels * inChannels * height * width];
        for (long o = 0; o < outChannels; o++)
        {
            for (long i = 0; i < inChannels; i++)
            {
                bool centreOpen = type == MaskType.A ? inGroup(i) < outGroup(o) : inGroup(i) <= outGroup(o);
                for (int r = 0; r < height; r++)
                {
                    for (int c = 0; c < width; c++)
                    {
                        bool isCentre = centre is (int cr, int cc) && cr == r && cc == c;
                        bool on = isCentre ? centreOpen : open(r, c);
                        values[(((o * inChannels) + i) * height * width) + (r * width) + c] = on ? 1f : 0f;
                    }
                }
            }
        }

        return torch.tensor(values, new long[] { outChannels, inChannels, height, width });
    }

    /// <summary>
    /// The vertical-stack mask of a gated PixelCNN: a <paramref name="kernel"/>×<paramref name="kernel"/> window open on
    /// the rows above its centre, and on the centre row too when <paramref name="withCentreRow"/> (later layers, whose
    /// input already sees only rows above). No colour groups: rows above are fully known to every channel.
    /// </summary>
    internal static torch.Tensor Vertical(long inChannels, long outChannels, int kernel, bool withCentreRow)
    {
        int centre = kernel / 2;
        return Build(inChannels, outChannels, kernel, kernel, (r, _) => r < centre || (withCentreRow && r == centre), null, MaskType.B, _ => 0, _ => 0);
    }

    /// <summary>
    /// The horizontal-stack mask of a gated PixelCNN: a 1×<paramref name="kernel"/> window open left of its centre; at
    /// the centre, colour groups compared by <paramref name="type"/>. The <c>2p</c> outputs are two halves (tanh and
    /// sigmoid parts of the gate) of <paramref name="gateWidth"/> = p features each, output <c>o</c> in the group of <c>o mod p</c>.
    /// </summary>
    internal static torch.Tensor Horizontal(long inChannels, long gateWidth, int kernel, MaskType type, int colours)
    {
        int centre = kernel / 2;
        return Build(
            inChannels,
            2 * gateWidth,
            1,
            kernel,
            (_, c) => c < centre,
            (0, centre),
            type,
            k => Group(k, inChannels, colours),
            o => Group(o % gateWidth, gateWidth, colours));
    }
}
