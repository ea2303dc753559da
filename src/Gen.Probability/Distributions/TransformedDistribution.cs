using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The distribution of Y = f(X) for X from a base distribution and a bijector f. Unlike TorchSharp 0.107's
/// TransformedDistribution, its log-density is right for any chain, <see cref="RSample"/> is differentiable,
/// and <see cref="SampleAndLogProb"/> needs only the forward direction (one pass, as flows used for
/// variational inference require).
/// </summary>
public sealed class TransformedDistribution : IDistribution
{
    private readonly int eventRank;

    /// <summary>Creates the distribution of <paramref name="bijector"/>(X), X ~ <paramref name="baseDistribution"/>.</summary>
    public TransformedDistribution(IDistribution baseDistribution, IBijector bijector)
    {
        Base = baseDistribution ?? throw new ArgumentNullException(nameof(baseDistribution));
        Bijector = bijector ?? throw new ArgumentNullException(nameof(bijector));
        var full = Base.BatchShape.Concat(Base.EventShape).ToArray();
        eventRank = Math.Max(Base.EventShape.Length, Bijector.EventRank);
        if (eventRank > full.Length)
        {
            throw new GenShapeException("transformed", $"the bijector acts on events of rank {Bijector.EventRank}, but the base distribution's values have shape {Shape.Format(full)}.");
        }

        var output = Bijector.ForwardShape(full);
        int outRank = eventRank + (output.Length - full.Length);
        BatchShape = output.Take(output.Length - outRank).ToArray();
        EventShape = output.Skip(output.Length - outRank).ToArray();
    }

    /// <summary>The base distribution.</summary>
    public IDistribution Base { get; }

    /// <summary>The bijector applied to base samples.</summary>
    public IBijector Bijector { get; }

    /// <inheritdoc/>
    public long[] BatchShape { get; }

    /// <inheritdoc/>
    public long[] EventShape { get; }

    /// <inheritdoc/>
    public bool IsReparameterized => Base.IsReparameterized;

    /// <inheritdoc/>
    public torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Bijector.ForwardAndLogDet(Base.Sample(sampleShape, generator)).Value.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        return Bijector.ForwardAndLogDet(Base.RSample(sampleShape, generator)).Value.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, "transformed.log_prob");
        using var scope = torch.NewDisposeScope();
        // Values broadcast against the batch shape, as for every distribution: a value shared by all batch elements (one
        // x scored under each of K contexts of a conditional flow) is expanded first, since a bijector built for a batch
        // of contexts reads its inputs row by row.
        var lead = value.shape[..^EventShape.Length];
        var full = Shape.Broadcast(lead, BatchShape, "transformed.log_prob");
        if (!full.SequenceEqual(lead))
        {
            value = value.expand(full.Concat(EventShape).ToArray());
        }

        var inv = Bijector.InverseAndLogDet(value);
        var lp = Reduce.SumRightmost(Base.LogProb(inv.Value), eventRank - Base.EventShape.Length);
        var ld = Reduce.SumRightmost(inv.LogDet, eventRank - Bijector.EventRank);
        return (lp + ld).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var basic = Base.SampleAndLogProb(sampleShape, generator);
        var fwd = Bijector.ForwardAndLogDet(basic.Value);
        var lp = Reduce.SumRightmost(basic.LogProb, eventRank - Base.EventShape.Length)
                 - Reduce.SumRightmost(fwd.LogDet, eventRank - Bijector.EventRank);
        return new Sampled(fwd.Value.MoveToOuterDisposeScope(), lp.MoveToOuterDisposeScope());
    }
}
