using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A binary coupling mask over image events [C, H, W]: 1 marks an entry passed through and conditioned on, 0 one
/// transformed. For a checkerboard mask the coupling's network reads the masked image and the mask as one more channel
/// (C + 1 channels); for a channel mask, the kept C/2 channels. In a conditional flow it also reads the context of K
/// features as K more channels, constant over the image (as class-conditional Glow does).
/// </summary>
/// <param name="Kind">Checkerboard or channel mask.</param>
/// <param name="Odd">The flipped mask: odd checkerboard squares, or the second half of the channels, are kept.</param>
public sealed record ImageMaskSpec(ImageMaskKind Kind, bool Odd) : CouplingMaskSpec
{
    /// <summary>The complementary mask (kept and transformed swap roles).</summary>
    public override ImageMaskSpec Flipped() => this with { Odd = !Odd };

    /// <inheritdoc/>
    public override string ToString() => $"{(Kind == ImageMaskKind.Checkerboard ? "checkerboard" : "channel")}{(Odd ? ", odd" : string.Empty)}";

    /// <inheritdoc/>
    internal override void Check(string path, StepShape shape)
    {
        var image = shape.Image(path);
        if (Kind == ImageMaskKind.Channel && (image.Channels < 2 || image.Channels % 2 != 0))
        {
            throw new GenShapeException(path, $"a channel mask splits the channels in half and needs an even channel count, but the events here are {image} (C, H, W); squeeze first or use a checkerboard mask.");
        }

        if (Kind == ImageMaskKind.Checkerboard && image.Height * image.Width < 2)
        {
            throw new GenShapeException(path, $"a checkerboard mask needs at least 2 pixels, but the events here are {image} (C, H, W).");
        }
    }

    /// <inheritdoc/>
    internal override long[] NetworkInput(StepShape shape)
    {
        var image = shape.Image("image_mask");
        long channels = Kind == ImageMaskKind.Checkerboard ? image.Channels + 1 : KeptChannels(image).Count;
        return new[] { channels + shape.ContextFeatures, image.Height, image.Width };
    }

    /// <inheritdoc/>
    internal override torch.Tensor NetworkInput(torch.Tensor kept, torch.Tensor mask, torch.Tensor? context, StepShape shape)
    {
        var image = shape.Image("image_mask");
        var batch = kept.shape[..^3];
        var input = Kind == ImageMaskKind.Checkerboard
            ? torch.cat(new[] { kept, mask.narrow(0, 0, 1).expand(batch.Concat(new[] { 1L, image.Height, image.Width }).ToArray()) }, -3)
            : kept.narrow(-3, KeptChannels(image).Start, KeptChannels(image).Count);
        if (context is null || shape.ContextFeatures == 0)
        {
            return input;
        }

        // The context B' ++ [K] as K constant channels of each image: B ++ [K, H, W].
        long k = shape.ContextFeatures;
        var rows = context.expand(batch.Append(k).ToArray()).unsqueeze(-1).unsqueeze(-1);
        return torch.cat(new[] { input, rows.expand(batch.Concat(new[] { k, image.Height, image.Width }).ToArray()) }, -3);
    }

    /// <summary>The first kept channel and the number kept, for channel masks.</summary>
    internal (long Start, long Count) KeptChannels(ImageShape shape) => (Odd ? shape.Channels / 2 : 0, shape.Channels / 2);

    /// <inheritdoc/>
    internal override torch.Tensor Build(StepShape shape)
    {
        var image = shape.Image("image_mask");
        var (start, count) = KeptChannels(image);
        var values = new float[image.Size];
        for (long c = 0, i = 0; c < image.Channels; c++)
        {
            for (long h = 0; h < image.Height; h++)
            {
                for (long w = 0; w < image.Width; w++, i++)
                {
                    bool kept = Kind == ImageMaskKind.Checkerboard ? ((h + w) % 2 == 0) ^ Odd : c >= start && c < start + count;
                    values[i] = kept ? 1f : 0f;
                }
            }
        }

        return torch.tensor(values, image.ToArray());
    }
}
