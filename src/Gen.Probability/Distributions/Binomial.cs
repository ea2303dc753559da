using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The binomial distribution of the number of successes in <see cref="TotalCount"/> trials, from logits or
/// probabilities of success. Discrete, so not reparameterised.
/// </summary>
public sealed class Binomial : Distribution, IDistribution
{
    private readonly BinaryParameter p;

    /// <summary>Creates Binomial(<paramref name="totalCount"/>, p) from exactly one of <paramref name="logits"/> and <paramref name="probs"/>.</summary>
    public Binomial(torch.Tensor totalCount, ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(totalCount, new BinaryParameter(logits, probs, "Binomial"))
    {
    }

    private Binomial(torch.Tensor totalCount, BinaryParameter p)
        : base(DistMath.BroadcastShapes("Binomial", totalCount, p.Given), Array.Empty<long>())
    {
        this.p = p;
        TotalCount = totalCount;
        CheckParameter(totalCount, "totalCount", t => t.ge(0).logical_and(DistMath.IsInteger(t)).logical_and(t.isfinite()), "a non-negative whole number");
        p.Check(CheckParameter);
    }

    /// <summary>The number of trials n.</summary>
    public torch.Tensor TotalCount { get; }

    /// <summary>The success probability.</summary>
    public torch.Tensor Probs => p.Probs;

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <summary>The mean np.</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (TotalCount * p.Probs).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance np(1 − p).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (TotalCount * p.Probs * p.Probs1m).expand(BatchShape).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var n = TotalCount.to_type(p.Given.dtype);
        var inSupport = value.ge(0).logical_and(value.le(n)).logical_and(DistMath.IsInteger(value));
        var k = value.to_type(p.Given.dtype);
        k = k.where(inSupport, torch.zeros_like(k));
        var logChoose = (n + 1).lgamma() - (k + 1).lgamma() - (n - k + 1).lgamma();
        var lp = logChoose + p.WeightedLog(k, n - k);
        return MaskSupport(lp, value, inSupport, "{0, …, totalCount}").MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var pr = p.Probs.expand(shape).contiguous();
        var n = TotalCount.to_type(pr.dtype).expand(shape).contiguous();
        return DeviceRandom.Binomial(n, pr, generator).MoveToOuterDisposeScope();
    }
}
