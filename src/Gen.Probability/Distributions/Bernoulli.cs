using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The Bernoulli distribution on {0, 1}, from logits or probabilities. Its log-mass is computed as
/// x·logσ(l) + (1−x)·logσ(−l) from logits (finite for any finite logit) or with xlogy from probabilities
/// (exact at 0 and 1). Discrete, so not reparameterised.
/// </summary>
public sealed class Bernoulli : Distribution, IDistribution
{
    private readonly BinaryParameter p;

    /// <summary>Creates the distribution from exactly one of <paramref name="logits"/> and <paramref name="probs"/>.</summary>
    public Bernoulli(ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(new BinaryParameter(logits, probs, "Bernoulli"))
    {
    }

    private Bernoulli(BinaryParameter p)
        : base(p.Given.shape, Array.Empty<long>())
    {
        this.p = p;
        p.Check(CheckParameter);
    }

    /// <summary>The success probability.</summary>
    public torch.Tensor Probs => p.Probs;

    /// <summary>The log-odds of success.</summary>
    public torch.Tensor Logits => p.Logits;

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <summary>The mean p.</summary>
    public torch.Tensor Mean => p.Probs;

    /// <summary>The variance p(1 − p).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (p.Probs * p.Probs1m).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy −p log p − (1 − p) log(1 − p).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        // With a logit of ±∞ one log is −∞ where its weight is 0: 0·(−∞) would be NaN.
        return (DistMath.Weighted(p.Probs, p.LogP) + DistMath.Weighted(p.Probs1m, p.Log1mP)).neg().MoveToOuterDisposeScope();
    }

    /// <summary>log p (stable from logits).</summary>
    internal torch.Tensor LogP => p.LogP;

    /// <summary>log(1 − p) (stable from logits).</summary>
    internal torch.Tensor Log1mP => p.Log1mP;

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var x = value.to_type(p.Given.dtype);
        // From logits, for x in {0, 1}: log σ((2x − 1)·l), three kernels instead of two log-sigmoids, a complement and
        // three products, and as exact as log-sigmoid in both tails (libtorch's fused binary cross-entropy is not:
        // it loses all digits of log σ(l) beyond l ≈ 30). Values outside {0, 1} are masked or rejected below, unless
        // the caller has checked them (then the support test is not even computed).
        var lp = p.IsLogits ? torch.nn.functional.logsigmoid((2 * x - 1) * p.Logits) : p.WeightedLog(x, 1 - x);
        if (AssumingValid)
        {
            return lp.MoveToOuterDisposeScope();
        }

        var inSupport = x.eq(0).logical_or(x.eq(1));
        return MaskSupport(lp, value, inSupport, "{0, 1}").MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        return DeviceRandom.Bernoulli(p.Probs.expand(ExtendedShape(sampleShape)), generator).MoveToOuterDisposeScope();
    }
}
