using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The 2×2 squeeze of RealNVP and Glow (space to depth): an image event [C, H, W] becomes [4C, H/2, W/2], each
/// 2×2 block of pixels moving into four channels. Output channel 4c + 2i + j at (h, w) holds input channel c at
/// (2h + i, 2w + j): the ordering of both papers' code (and of PyTorch's <c>pixel_unshuffle</c>). Volume-preserving.
/// </summary>
/// <remarks>Multi-scale flows squeeze before each scale so that couplings with checkerboard or channel masks see
/// neighbouring pixels as channels. The inverse, depth to space, needs a channel count divisible by 4.</remarks>
public sealed class Squeeze : IBijector
{
    /// <inheritdoc/>
    public int EventRank => 3;

    /// <inheritdoc/>
    public bool IsVolumePreserving => true;

    /// <inheritdoc/>
    /// <exception cref="GenShapeException">The input is not [..., C, H, W] with H and W even.</exception>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var shape = ForwardShape(x.shape);
        int n = (int)x.dim() - 3;
        var lead = x.shape[..n];
        long c = x.shape[n], h = x.shape[n + 1], w = x.shape[n + 2];
        var perm = Enumerable.Range(0, n).Select(i => (long)i).Concat(new long[] { n, n + 2, n + 4, n + 1, n + 3 }).ToArray();
        using var scope = torch.NewDisposeScope();
        var y = x.reshape(lead.Concat(new[] { c, h / 2, 2, w / 2, 2 }).ToArray()).permute(perm).reshape(shape);
        return new Transformed(y.MoveToOuterDisposeScope(), Zeros(x, n).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    /// <exception cref="GenShapeException">The input is not [..., C, H, W] with C divisible by 4.</exception>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var shape = InverseShape(y.shape);
        int n = (int)y.dim() - 3;
        var lead = y.shape[..n];
        long c = y.shape[n] / 4, h = y.shape[n + 1], w = y.shape[n + 2];
        var perm = Enumerable.Range(0, n).Select(i => (long)i).Concat(new long[] { n, n + 3, n + 1, n + 4, n + 2 }).ToArray();
        using var scope = torch.NewDisposeScope();
        var x = y.reshape(lead.Concat(new[] { c, 2, 2, h, w }).ToArray()).permute(perm).reshape(shape);
        return new Transformed(x.MoveToOuterDisposeScope(), Zeros(y, n).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape)
    {
        var (lead, c, h, w) = Split(inputShape);
        if (h % 2 != 0 || w % 2 != 0)
        {
            throw new GenShapeException("squeeze", $"needs even height and width, got an image event [{c}, {h}, {w}] in a tensor of shape {Shape.Format(inputShape)}.");
        }

        return lead.Concat(new[] { 4 * c, h / 2, w / 2 }).ToArray();
    }

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape)
    {
        var (lead, c, h, w) = Split(outputShape);
        if (c % 4 != 0)
        {
            throw new GenShapeException("squeeze", $"the inverse needs a channel count divisible by 4, got an image event [{c}, {h}, {w}] in a tensor of shape {Shape.Format(outputShape)}.");
        }

        return lead.Concat(new[] { c / 4, 2 * h, 2 * w }).ToArray();
    }

    /// <inheritdoc/>
    public override string ToString() => "Squeeze(2x2)";

    private static (long[] Lead, long C, long H, long W) Split(long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < 3)
        {
            throw new GenShapeException("squeeze", $"acts on image events [C, H, W], got a tensor of shape {Shape.Format(shape)}.");
        }

        int n = shape.Length - 3;
        return (shape[..n], shape[n], shape[n + 1], shape[n + 2]);
    }

    private static torch.Tensor Zeros(torch.Tensor like, int batchRank) =>
        torch.zeros(like.shape[..batchRank], dtype: like.dtype, device: like.device);
}
