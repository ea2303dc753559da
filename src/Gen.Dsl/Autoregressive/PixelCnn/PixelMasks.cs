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
}
