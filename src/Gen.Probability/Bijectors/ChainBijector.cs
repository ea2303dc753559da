using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// Bijectors applied one after another, listed in the order applied. Log-determinants add; a part of lower
/// event rank has its log-determinant summed over the chain's extra event dimensions.
/// </summary>
public sealed class ChainBijector : IBijector
{
    private readonly IBijector[] parts;

    /// <summary>Creates the chain; nested chains are flattened.</summary>
    public ChainBijector(IEnumerable<IBijector> bijectors)
    {
        ArgumentNullException.ThrowIfNull(bijectors);
        parts = bijectors.SelectMany(b => b is ChainBijector c ? c.parts : new[] { b ?? throw new ArgumentException("A chain cannot contain null.", nameof(bijectors)) }).ToArray();

        // The chain's input rank is the smallest that gives every part at least its own event rank, following
        // the rank through parts that change it (a reshape from [C, H, W] to [D] lowers it by 2).
        int change = 0;
        int rank = 0;
        foreach (var part in parts)
        {
            rank = Math.Max(rank, part.EventRank - change);
            change += part.OutputEventRank - part.EventRank;
        }

        EventRank = rank;
        OutputEventRank = rank + change;
    }

    /// <summary>The parts, in the order applied.</summary>
    public IReadOnlyList<IBijector> Parts => parts;

    /// <inheritdoc/>
    public int EventRank { get; }

    /// <inheritdoc/>
    public int OutputEventRank { get; }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var value = x;
        torch.Tensor? logDet = null;
        int batchRank = BatchRank(x, EventRank);
        foreach (var part in parts)
        {
            var t = part.ForwardAndLogDet(value);
            value = t.Value;
            logDet = Accumulate(logDet, part, t.LogDet, batchRank);
        }

        logDet ??= torch.zeros(x.shape.Take((int)x.dim() - EventRank).ToArray(), dtype: x.dtype, device: x.device);
        return new Transformed(value.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        using var scope = torch.NewDisposeScope();
        var value = y;
        torch.Tensor? logDet = null;
        int batchRank = BatchRank(y, OutputEventRank);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            var t = parts[i].InverseAndLogDet(value);
            value = t.Value;
            logDet = Accumulate(logDet, parts[i], t.LogDet, batchRank);
        }

        logDet ??= torch.zeros(y.shape.Take((int)y.dim() - OutputEventRank).ToArray(), dtype: y.dtype, device: y.device);
        return new Transformed(value.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public bool IsVolumePreserving => parts.All(p => p.IsVolumePreserving);

    // Volume-preserving parts add nothing; skipping them saves an addition (a kernel launch on a GPU) per part.
    // A part's log-det has the batch dimensions and the chain's event dimensions the part does not see: those are summed.
    private static torch.Tensor? Accumulate(torch.Tensor? total, IBijector part, torch.Tensor logDet, int batchRank)
    {
        if (part.IsVolumePreserving)
        {
            return total;
        }

        var ld = Reduce.SumRightmost(logDet, (int)logDet.dim() - batchRank);
        return total is null ? ld : total + ld;
    }

    private static int BatchRank(torch.Tensor input, int eventRank)
    {
        if (input.dim() < eventRank)
        {
            throw new GenShapeException("chain", $"acts on events of rank {eventRank}, got a tensor of shape {Shape.Format(input.shape)}.");
        }

        return (int)input.dim() - eventRank;
    }

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape) => parts.Aggregate(inputShape, (s, p) => p.ForwardShape(s));

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape) => parts.Reverse().Aggregate(outputShape, (s, p) => p.InverseShape(s));
}
