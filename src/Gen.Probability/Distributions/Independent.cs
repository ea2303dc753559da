using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// Reinterprets the last <see cref="ReinterpretedBatchDims"/> batch dimensions of a distribution as event dimensions,
/// so their log-densities are summed (for example a diagonal Gaussian from elementwise normals).
/// </summary>
public sealed class Independent : Distribution, IDistribution
{
    /// <summary>Wraps <paramref name="baseDistribution"/>, moving its last <paramref name="reinterpretedBatchDims"/> batch dimensions into the event.</summary>
    /// <exception cref="GenShapeException">The base distribution has fewer batch dimensions than requested.</exception>
    public Independent(IDistribution baseDistribution, int reinterpretedBatchDims)
        : base(SplitBatch(baseDistribution, reinterpretedBatchDims), MergeEvent(baseDistribution, reinterpretedBatchDims))
    {
        Base = baseDistribution;
        ReinterpretedBatchDims = reinterpretedBatchDims;
    }

    /// <summary>The wrapped distribution.</summary>
    public IDistribution Base { get; }

    /// <summary>How many trailing batch dimensions of <see cref="Base"/> belong to the event.</summary>
    public int ReinterpretedBatchDims { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => Base.IsReparameterized;

    /// <summary>The mean (that of the base distribution).</summary>
    public torch.Tensor Mean => Base.Mean;

    /// <summary>The elementwise variance (that of the base distribution).</summary>
    public torch.Tensor Variance => Base.Variance;

    /// <summary>The entropy: the base entropy summed over the reinterpreted dimensions.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        return SumRightmost(Base.Entropy(), ReinterpretedBatchDims).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null) => Base.Sample(sampleShape, generator);

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null) => Base.RSample(sampleShape, generator);

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        return SumRightmost(Base.LogProb(value), ReinterpretedBatchDims).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var s = Base.SampleAndLogProb(sampleShape, generator);
        return new Sampled(s.Value.MoveToOuterDisposeScope(), SumRightmost(s.LogProb, ReinterpretedBatchDims).MoveToOuterDisposeScope());
    }

    private static long[] SplitBatch(IDistribution d, int n)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (n < 0 || n > d.BatchShape.Length)
        {
            throw new GenShapeException("Independent", $"cannot reinterpret {n} batch dimensions of a distribution with batch shape {Shape.Format(d.BatchShape)}.");
        }

        return d.BatchShape.Take(d.BatchShape.Length - n).ToArray();
    }

    private static long[] MergeEvent(IDistribution d, int n) => d.BatchShape.Skip(d.BatchShape.Length - n).Concat(d.EventShape).ToArray();
}
