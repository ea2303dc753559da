using TorchSharp;

namespace Gen.Dsl;

/// <summary>A binary coupling mask over image events [C, H, W]: 1 marks an entry passed through and conditioned on, 0 one transformed.</summary>
/// <param name="Kind">Checkerboard or channel mask.</param>
/// <param name="Odd">The flipped mask: odd checkerboard squares, or the second half of the channels, are kept.</param>
public sealed record ImageMaskSpec(ImageMaskKind Kind, bool Odd)
{
    /// <summary>The complementary mask (kept and transformed swap roles).</summary>
    public ImageMaskSpec Flipped() => this with { Odd = !Odd };

    /// <inheritdoc/>
    public override string ToString() => $"{(Kind == ImageMaskKind.Checkerboard ? "checkerboard" : "channel")}{(Odd ? ", odd" : string.Empty)}";

    /// <summary>Checks that the mask keeps and transforms something of events of shape <paramref name="shape"/>.</summary>
    internal void Check(string path, ImageShape shape)
    {
        if (Kind == ImageMaskKind.Channel && (shape.Channels < 2 || shape.Channels % 2 != 0))
        {
            throw new GenShapeException(path, $"a channel mask splits the channels in half and needs an even channel count, but the events here are {shape} (C, H, W); squeeze first or use a checkerboard mask.");
        }

        if (Kind == ImageMaskKind.Checkerboard && shape.Height * shape.Width < 2)
        {
            throw new GenShapeException(path, $"a checkerboard mask needs at least 2 pixels, but the events here are {shape} (C, H, W).");
        }
    }

    /// <summary>The first kept channel and the number kept, for channel masks.</summary>
    internal (long Start, long Count) KeptChannels(ImageShape shape) => (Odd ? shape.Channels / 2 : 0, shape.Channels / 2);

    /// <summary>The mask as a float32 tensor [C, H, W].</summary>
    internal torch.Tensor Build(ImageShape shape)
    {
        var (start, count) = KeptChannels(shape);
        var values = new float[shape.Size];
        for (long c = 0, i = 0; c < shape.Channels; c++)
        {
            for (long h = 0; h < shape.Height; h++)
            {
                for (long w = 0; w < shape.Width; w++, i++)
                {
                    bool kept = Kind == ImageMaskKind.Checkerboard ? ((h + w) % 2 == 0) ^ Odd : c >= start && c < start + count;
                    values[i] = kept ? 1f : 0f;
                }
            }
        }

        return torch.tensor(values, shape.ToArray());
    }
}
