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
        EventRank = parts.Length == 0 ? 0 : parts.Max(p => p.EventRank);
    }

    /// <summary>The parts, in the order applied.</summary>
    public IReadOnlyList<IBijector> Parts => parts;

    /// <inheritdoc/>
    public int EventRank { get; }

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var value = x;
        torch.Tensor? logDet = null;
        foreach (var part in parts)
        {
            var t = part.ForwardAndLogDet(value);
            value = t.Value;
            logDet = Accumulate(logDet, part, t.LogDet);
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
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            var t = parts[i].InverseAndLogDet(value);
            value = t.Value;
            logDet = Accumulate(logDet, parts[i], t.LogDet);
        }

        logDet ??= torch.zeros(y.shape.Take((int)y.dim() - EventRank).ToArray(), dtype: y.dtype, device: y.device);
        return new Transformed(value.MoveToOuterDisposeScope(), logDet.MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public bool IsVolumePreserving => parts.All(p => p.IsVolumePreserving);

    // Volume-preserving parts add nothing; skipping them saves an addition (a kernel launch on a GPU) per part.
    private torch.Tensor? Accumulate(torch.Tensor? total, IBijector part, torch.Tensor logDet)
    {
        if (part.IsVolumePreserving)
        {
            return total;
        }

        var ld = Reduce.SumRightmost(logDet, EventRank - part.EventRank);
        return total is null ? ld : total + ld;
    }

    /// <inheritdoc/>
    public long[] ForwardShape(long[] inputShape) => parts.Aggregate(inputShape, (s, p) => p.ForwardShape(s));

    /// <inheritdoc/>
    public long[] InverseShape(long[] outputShape) => parts.Reverse().Aggregate(outputShape, (s, p) => p.InverseShape(s));
}
