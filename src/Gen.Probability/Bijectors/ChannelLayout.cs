using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Per-channel layers over events of rank r: the channel is the event's first dimension (dimension −r), and each
/// channel's statistics run over the batch and the event's remaining (spatial) dimensions.
/// </summary>
internal static class ChannelLayout
{
    /// <summary>Checks that <paramref name="x"/> has events of rank <paramref name="eventRank"/> with <paramref name="channels"/> channels.</summary>
    public static void Check(torch.Tensor x, long channels, int eventRank, string node)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < eventRank || x.shape[^eventRank] != channels)
        {
            throw new GenShapeException(node, $"has {channels} channels in dimension -{eventRank} of events of rank {eventRank}, got a tensor of shape {Shape.Format(x.shape)}.");
        }
    }

    /// <summary>A [C] parameter shaped [C, 1, …, 1] to broadcast against events of rank <paramref name="eventRank"/>.</summary>
    public static torch.Tensor Broadcastable(torch.Tensor perChannel, int eventRank) =>
        perChannel.reshape(new[] { perChannel.shape[0] }.Concat(Enumerable.Repeat(1L, eventRank - 1)).ToArray());

    /// <summary>The dimensions a channel's statistics run over: all but the channel dimension.</summary>
    public static long[] StatisticDims(torch.Tensor x, int eventRank)
    {
        long channelDim = x.dim() - eventRank;
        return Enumerable.Range(0, (int)x.dim()).Select(i => (long)i).Where(i => i != channelDim).ToArray();
    }

    /// <summary>Elements per channel in one event (H·W for images, 1 for vectors): each channel's log-scale counts this often.</summary>
    public static long PerChannel(torch.Tensor x, int eventRank) => Shape.Numel(x.shape.AsSpan(x.shape.Length - eventRank + 1));

    /// <summary>Σ over channels of <paramref name="perChannelLogScale"/>, times the elements per channel, expanded to the batch shape.</summary>
    public static torch.Tensor LogDet(torch.Tensor perChannelLogScale, torch.Tensor x, int eventRank) =>
        (PerChannel(x, eventRank) * perChannelLogScale.sum()).expand(x.shape[..^eventRank]);

    /// <summary>Checks that per-channel tensors are vectors [C] of one length C.</summary>
    public static void CheckVectors(string node, params (torch.Tensor Tensor, string Name)[] perChannel)
    {
        var first = perChannel[0].Tensor;
        long channels = first.dim() == 1 ? first.shape[0] : -1;
        foreach (var (t, _) in perChannel)
        {
            if (t.dim() != 1 || t.shape[0] != channels)
            {
                var shapes = string.Join(", ", perChannel.Select(p => $"{p.Name} {Shape.Format(p.Tensor.shape)}"));
                throw new GenShapeException(node, $"per-channel parameters must be vectors [C] of one length; got {shapes}.");
            }
        }
    }
}
