using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// What every pixel model shares: input checks, the log-likelihood from the network's head parameters, and exact
/// ancestral sampling (pixels in raster order, colour channels R, G, B within a pixel).
/// </summary>
internal static class PixelLikelihood
{
    /// <summary>
    /// Checks a batch of images against the model: shape [batch, C, H, W], dtype, device and, when
    /// <paramref name="checkValues"/>, that every value lies in the head's support (which reads a flag back from the device).
    /// </summary>
    internal static void CheckImages(torch.Tensor x, string node, long[] imageShape, HeadSpec head, torch.Tensor reference, bool checkValues)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4 || !x.shape.AsSpan(1).SequenceEqual(imageShape))
        {
            throw new GenShapeException(node, $"expects images of shape [batch, {string.Join(", ", imageShape)}], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        CheckPlacement(x, node, reference, "images");
        if (!checkValues || CheckedBatches.IsTrusted(x))
        {
            return;
        }

        head.CheckValues(x, node);
    }

    /// <summary>Checks that <paramref name="x"/> has the dtype and device of the model's <paramref name="reference"/> parameter.</summary>
    internal static void CheckPlacement(torch.Tensor x, string node, torch.Tensor reference, string what)
    {
        if (x.dtype != reference.dtype)
        {
            throw new ArgumentException($"{node}: the model computes in {reference.dtype}, but the {what} are {x.dtype}; convert them with .to({reference.dtype}).");
        }

        CheckDevice(x.device, node, reference, what);
    }

    /// <summary>Checks that <paramref name="device"/> is the device of the model's <paramref name="reference"/> parameter.</summary>
    internal static void CheckDevice(torch.Device device, string node, torch.Tensor reference, string what)
    {
        if (device.type != reference.device.type || Index(device) != Index(reference.device))
        {
            throw new ArgumentException($"{node}: the model lives on {reference.device}, but the {what} are on {device}.");
        }
    }

    /// <summary>
    /// The network's output [batch, C·K, H, W] (the K parameters of each channel together, channel by channel) as head
    /// parameters [batch, C, H, W, K]: a view, the parameters of each element along the last dimension.
    /// </summary>
    internal static torch.Tensor HeadParameters(torch.Tensor output, long[] imageShape, HeadSpec head) =>
        output.reshape(output.shape[0], imageShape[0], head.ParametersPerElement, imageShape[1], imageShape[2]).movedim(new long[] { 2 }, new long[] { -1 });

    /// <summary>log p(x) in nats, [batch], from head parameters [batch, C, H, W, K] and images [batch, C, H, W] whose values were checked.</summary>
    internal static torch.Tensor LogProb(torch.Tensor parameters, torch.Tensor x, HeadSpec head)
    {
        using var scope = torch.NewDisposeScope();
        using var valid = Gen.Probability.Distribution.AssumeValid();
        return head.Distribution(parameters).LogProb(x).sum(new long[] { 1, 2, 3 }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Exact ancestral sampling: for each pixel in raster order and each colour channel in order, draws that channel
    /// from the head parameters of a sampling pass (<see cref="IPixelPass"/>) and writes it back into the pass. The
    /// network's work is one pass cut into H·W pixel steps (C per pixel), not C·H·W passes over the whole image.
    /// </summary>
    /// <param name="begin">Starts a sampling pass for a batch of the given size.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="imageShape">[C, H, W].</param>
    /// <param name="head">The pixel head.</param>
    /// <param name="reference">A model parameter: its dtype and device are those of the samples.</param>
    /// <param name="generator">Seeded random numbers for any device (see <see cref="DeviceRandom"/>), or null for the device's global generator.</param>
    /// <param name="node">Node name for errors.</param>
    internal static torch.Tensor Sample(
        Func<long, IPixelPass> begin,
        long count,
        long[] imageShape,
        HeadSpec head,
        torch.Tensor reference,
        torch.Generator? generator,
        string node)
    {
        ModelInput.CheckCount(count, node);

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var valid = Gen.Probability.Distribution.AssumeValid(); // the network's parameters are finite by construction of its checks
        var images = torch.zeros(new[] { count }.Concat(imageShape).ToArray(), dtype: reference.dtype, device: reference.device);
        var pass = begin(count);
        long channels = imageShape[0];
        for (long i = 0; i < imageShape[1]; i++)
        {
            using (torch.NewDisposeScope())
            {
                pass.BeginRow(i);
            }

            for (long j = 0; j < imageShape[2]; j++)
            {
                for (long c = 0; c < channels; c++)
                {
                    using var step = torch.NewDisposeScope();
                    var parameters = pass.HeadParameters(i, j).view(count, channels, head.ParametersPerElement).select(1, c); // [count, K]
                    var draw = head.Distribution(parameters).Sample(Array.Empty<long>(), generator).to_type(reference.dtype);
                    images.select(3, j).select(2, i).select(1, c).copy_(draw);
                    pass.Write(i, j, c, head.NetworkInput(draw));
                }
            }
        }

        return images.MoveToOuterDisposeScope();
    }

    private static int Index(torch.Device device) => device.type == DeviceType.CPU ? -1 : Math.Max(device.index, 0);
}
