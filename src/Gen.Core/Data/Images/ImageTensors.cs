using System;
using System.Linq;
using TorchSharp;

namespace Gen.Data;

/// <summary>Turns validated IDX content into the tensors the image loaders return.</summary>
internal static class ImageTensors
{
    /// <summary>Unsigned-byte images [n, h, w] as float32 with their raw values, in the requested layout, on <paramref name="device"/>.</summary>
    public static torch.Tensor Images(IdxArray array, torch.Device device, ImageLayout layout)
    {
        var d = array.Dimensions;
        var shape = layout switch
        {
            ImageLayout.Image => new long[] { d[0], 1, d[1], d[2] },
            ImageLayout.Flat => new long[] { d[0], d[1] * d[2] },
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Use ImageLayout.Image or ImageLayout.Flat."),
        };
        using var pixels = array.ToTensor(device, torch.float32);
        return pixels.reshape(shape);
    }

    /// <summary>Unsigned-byte labels [n] as int64 on <paramref name="device"/>, each checked to lie below <paramref name="classes"/>.</summary>
    public static torch.Tensor Labels(IdxArray array, torch.Device device, int classes)
    {
        var span = array.Data.Span;
        var bad = span.IndexOfAnyExceptInRange((byte)0, (byte)(classes - 1));
        if (bad >= 0)
        {
            throw new GenDataException($"{array.Source}: label {bad} is {span[bad]}, expected 0..{classes - 1}.", array.Source);
        }

        return array.ToTensor(device, torch.int64);
    }

    /// <summary>Throws unless every pixel is 0 or 1.</summary>
    public static void RequireBinary(IdxArray array)
    {
        var bad = array.Data.Span.IndexOfAnyExceptInRange((byte)0, (byte)1);
        if (bad >= 0)
        {
            throw new GenDataException($"{array.Source}: pixel {bad} is {array.Data.Span[bad]}, expected 0 or 1.", array.Source);
        }
    }
}
