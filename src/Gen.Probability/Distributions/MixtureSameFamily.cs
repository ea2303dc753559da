using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// A finite mixture whose K components come from one family: <see cref="Components"/> has batch shape batch ++ [K]
/// and <see cref="Mixture"/> has batch shape batch. log p(x) = logsumexp_k (log πₖ + log pₖ(x)). Sampling picks a
/// component, so it is not reparameterised.
/// </summary>
public sealed class MixtureSameFamily : Distribution, IDistribution
{
    /// <summary>Creates the mixture of <paramref name="components"/> with weights <paramref name="mixture"/>.</summary>
    /// <exception cref="GenShapeException">The components' last batch dimension is not K, or the batch shapes differ.</exception>
    public MixtureSameFamily(Categorical mixture, IDistribution components)
        : base(BatchOf(mixture, components), components.EventShape)
    {
        Mixture = mixture;
        Components = components;
    }

    /// <summary>The distribution of the component index.</summary>
    public Categorical Mixture { get; }

    /// <summary>The components, batched over a last batch dimension of size K.</summary>
    public IDistribution Components { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    private int EventRank => EventShape.Length;

    /// <summary>The mean Σ πₖ μₖ.</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Weights() * Components.Mean).sum(-1 - EventRank).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The variance Σ πₖ σₖ² + Σ πₖ (μₖ − μ)² (law of total variance).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var w = Weights();
            int dim = -1 - EventRank;
            var means = Components.Mean;
            var mean = (w * means).sum(dim, keepdim: true);
            var v = (w * Components.Variance).sum(dim) + (w * (means - mean).square()).sum(dim);
            return v.MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        var x = value.unsqueeze(-1 - EventRank);
        torch.Tensor components;
        using (MaskOutsideSupport())
        {
            // The mixture's support is the union of the components' (two uniforms on [0, 1] and [2, 3]): a value
            // outside one component's support scores -∞ there and is checked against the union below.
            components = Components.LogProb(x);
        }

        if (Validate && !AssumingValid)
        {
            CheckInUnion(value, components);
        }

        return (components + Mixture.Logits).logsumexp(-1, false).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var all = Components.Sample(sampleShape, generator); // S ++ B ++ [K] ++ E
        var idx = Mixture.Sample(sampleShape, generator); // S ++ B
        var shape = idx.shape.Append(1L).Concat(EventShape).ToArray();
        var index = idx.reshape(idx.shape.Append(1L).Concat(Enumerable.Repeat(1L, EventRank)).ToArray()).expand(shape);
        return all.gather(-1 - EventRank, index).squeeze(-1 - EventRank).MoveToOuterDisposeScope();
    }

    // Raises when some value lies outside every component's support (every component scores it -∞).
    private void CheckInUnion(torch.Tensor value, torch.Tensor components)
    {
        using var noGrad = torch.no_grad();
        var outside = components.isneginf().all(-1);
        if (!outside.any().item<bool>())
        {
            return;
        }

        // Name the first entry of the first such event: events flattened to [..., E] (E = 1 for scalar events).
        var events = EventRank == 0 ? value.unsqueeze(-1) : value.flatten(value.dim() - EventRank);
        var both = torch.broadcast_tensors(events, outside.unsqueeze(-1));
        var bad = both[0].masked_select(both[1]).flatten()[0].to(torch.float64).item<double>();
        throw new ArgumentException($"{Name}: value {bad.ToString(System.Globalization.CultureInfo.InvariantCulture)} lies outside the support of every component.", nameof(value));
    }

    /// <summary>The mixture weights, shaped batch ++ [K] ++ (1 for each event dimension).</summary>
    private torch.Tensor Weights()
    {
        var p = Mixture.Probs;
        return p.reshape(p.shape.Concat(Enumerable.Repeat(1L, EventRank)).ToArray());
    }

    private static long[] BatchOf(Categorical mixture, IDistribution components)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(components);
        var cb = components.BatchShape;
        if (cb.Length == 0 || cb[^1] != mixture.NumCategories || !cb[..^1].SequenceEqual(mixture.BatchShape))
        {
            throw new GenShapeException("MixtureSameFamily", $"components need batch shape {Shape.Format(mixture.BatchShape.Append(mixture.NumCategories).ToArray())} (the mixture's batch shape and K = {mixture.NumCategories}), got {Shape.Format(cb)}.");
        }

        return mixture.BatchShape;
    }
}
