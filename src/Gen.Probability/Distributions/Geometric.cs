using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The geometric distribution of the number of failures before the first success, on {0, 1, 2, …}, from logits or
/// probabilities of success. Discrete, so not reparameterised.
/// </summary>
public sealed class Geometric : Distribution, IDistribution
{
    private readonly BinaryParameter p;

    /// <summary>Creates the distribution from exactly one of <paramref name="logits"/> and <paramref name="probs"/>.</summary>
    public Geometric(ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(new BinaryParameter(logits, probs, "Geometric"))
    {
    }

    private Geometric(BinaryParameter p)
        : base(p.Given.shape, Array.Empty<long>())
    {
        this.p = p;
        if (p.IsLogits)
        {
            // A logit of −∞ is p = 0: no success ever, not a distribution on {0, 1, …}.
            CheckParameter(p.Given, "logits", t => t.isnan().logical_not().logical_and(t.ne(double.NegativeInfinity)), "a number above −∞");
        }
        else
        {
            CheckParameter(p.Given, "probs", t => t.gt(0).logical_and(t.le(1)), "in (0, 1]");
        }
    }

    /// <summary>The success probability.</summary>
    public torch.Tensor Probs => p.Probs;

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <summary>The mean (1 − p)/p.</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (p.Probs1m / p.Probs).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance (1 − p)/p².</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (p.Probs1m / p.Probs.square()).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy (−(1 − p) log(1 − p) − p log p) / p.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        var pr = p.Probs;
        return (-p.WeightedLog(pr, p.Probs1m) / pr).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var inSupport = value.ge(0).logical_and(DistMath.IsInteger(value));
        var k = value.to_type(p.Given.dtype).clamp_min(0);
        var lp = p.WeightedLog(torch.ones_like(k), k);
        return MaskSupport(lp, value, inSupport, "{0, 1, 2, …}").MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var u = DistMath.UniformOpen(ExtendedShape(sampleShape), p.Given, generator);
        return (u.log() / p.Log1mP).floor().MoveToOuterDisposeScope();
    }
}
