using System;
using System.Collections.Generic;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// Minibatches of the rows of a data set. Each enumeration is one epoch that visits every row exactly once; with a
/// generator, each epoch draws a fresh order from it, so a seeded generator makes the whole run repeatable.
/// The enumerator owns the batches it yields: a batch stays valid until the enumerator moves to the next one or is
/// disposed (as <c>foreach</c> does), which frees it, so a training loop leaks nothing. Clone a batch to keep it longer.
/// </summary>
public static class Batches
{
    /// <summary>Minibatches of the rows (first dimension) of <paramref name="data"/>, copied to <paramref name="device"/>.</summary>
    /// <param name="data">The data set, shape [n, ...], on any device.</param>
    /// <param name="batchSize">Rows per batch; the last batch may be smaller.</param>
    /// <param name="device">Where the batches live.</param>
    /// <param name="shuffle">A CPU generator to shuffle each epoch with, for example <c>Seed.Generator(seed)</c>; null keeps the order.</param>
    /// <param name="dropLast">Whether to leave out a last batch smaller than <paramref name="batchSize"/>.</param>
    public static IEnumerable<torch.Tensor> Of(torch.Tensor data, int batchSize, torch.Device device, torch.Generator? shuffle = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data.shape, batchSize, device, shuffle);
        return Iterate(new[] { data }, batchSize, device, shuffle, dropLast, parts => parts[0]);
    }

    /// <summary>Minibatches of images with their labels, the same rows of each, copied to <paramref name="device"/>.</summary>
    /// <param name="data">Images [n, ...] and labels [n].</param>
    /// <param name="batchSize">Rows per batch; the last batch may be smaller.</param>
    /// <param name="device">Where the batches live.</param>
    /// <param name="shuffle">A CPU generator to shuffle each epoch with; null keeps the order.</param>
    /// <param name="dropLast">Whether to leave out a last batch smaller than <paramref name="batchSize"/>.</param>
    public static IEnumerable<LabelledImages> Of(LabelledImages data, int batchSize, torch.Device device, torch.Generator? shuffle = null, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data.Images, nameof(data));
        ArgumentNullException.ThrowIfNull(data.Labels, nameof(data));
        Validate(data.Images.shape, batchSize, device, shuffle);
        if (data.Labels.dim() == 0 || data.Labels.shape[0] != data.Images.shape[0])
        {
            throw new GenShapeException(
                "data.Labels",
                $"labels of shape [{string.Join(", ", data.Labels.shape)}] do not match images of shape [{string.Join(", ", data.Images.shape)}]: both need the same first dimension.");
        }

        return Iterate(new[] { data.Images, data.Labels }, batchSize, device, shuffle, dropLast, parts => new LabelledImages(parts[0], parts[1]));
    }

    private static void Validate(long[] shape, int batchSize, torch.Device device, torch.Generator? shuffle)
    {
        ArgumentNullException.ThrowIfNull(device);
        GenRuntime.EnsureLoaded();
        if (shape.Length == 0)
        {
            throw new GenShapeException("data", "a scalar has no rows to batch; pass a tensor of shape [n, ...].");
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        }

        if (shuffle is not null && shuffle.device.type != DeviceType.CPU)
        {
            throw new ArgumentException($"The order is drawn on the CPU; pass a CPU generator, not one on {shuffle.device}.", nameof(shuffle));
        }
    }

    private static IEnumerable<T> Iterate<T>(
        torch.Tensor[] parts, int batchSize, torch.Device device, torch.Generator? shuffle, bool dropLast, Func<torch.Tensor[], T> wrap)
    {
        var n = parts[0].shape[0];
        var order = shuffle is null ? torch.arange(n, dtype: torch.int64) : torch.randperm(n, generator: shuffle);
        order.DetachFromDisposeScope();
        torch.Tensor[]? current = null;
        try
        {
            for (long start = 0; start < n; start += batchSize)
            {
                var size = Math.Min(batchSize, n - start);
                if (dropLast && size < batchSize)
                {
                    yield break;
                }

                Free(current);
                current = Take(parts, order, start, size, device);
                yield return wrap(current);
            }
        }
        finally
        {
            Free(current);
            order.Dispose();
        }
    }

    private static torch.Tensor[] Take(torch.Tensor[] parts, torch.Tensor order, long start, long size, torch.Device device)
    {
        using var scope = torch.NewDisposeScope();
        var rows = order.narrow(0, start, size);
        var batch = new torch.Tensor[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            // The enumerator owns the batch, so it must not also belong to a scope the caller happens to have open.
            batch[i] = parts[i].index_select(0, rows.to(parts[i].device)).to(device).DetachFromDisposeScope();
        }

        return batch;
    }

    private static void Free(torch.Tensor[]? batch)
    {
        if (batch is not null)
        {
            foreach (var t in batch)
            {
                t.Dispose();
            }
        }
    }
}
