using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>The categorical distribution over one-hot vectors of length K (event shape [K]). Not reparameterised.</summary>
public sealed class OneHotCategorical : Distribution, IDistribution
{
    /// <summary>Creates the distribution from exactly one of <paramref name="logits"/> and <paramref name="probs"/> (shape batch ++ [K]).</summary>
    public OneHotCategorical(ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(new Categorical(logits: logits, probs: probs))
    {
    }

    private OneHotCategorical(Categorical categorical)
        : base(categorical.BatchShape, new[] { categorical.NumCategories })
    {
        Categorical = categorical;
    }

    /// <summary>The same distribution over indices.</summary>
    public Categorical Categorical { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <summary>The mean: the probability vector.</summary>
    public torch.Tensor Mean => Categorical.Probs;

    /// <summary>The elementwise variance p(1 − p).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var p = Categorical.Probs;
            return (p * (1 - p)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy (that of the categorical distribution).</summary>
    public torch.Tensor Entropy() => Categorical.Entropy();

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        var binary = value.eq(0).logical_or(value.eq(1)).all(-1);
        var inSupport = binary.logical_and(value.sum(-1).eq(1));
        var lp = Categorical.LogProb(value.argmax(-1));
        // Event-level mask: the trailing unit dimension lets the mask expand over the event in messages.
        return MaskSupport(lp.unsqueeze(-1), value, inSupport.unsqueeze(-1), "one-hot vectors").squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var idx = Categorical.Sample(sampleShape, generator);
        var dtype = Categorical.Probs.dtype;
        return torch.nn.functional.one_hot(idx, Categorical.NumCategories).to_type(dtype).MoveToOuterDisposeScope();
    }
}
