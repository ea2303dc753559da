using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// A one-hot categorical whose <see cref="RSample"/> returns exact one-hot samples with the straight-through gradient
/// (Bengio et al. 2013): in the backward pass the sample is treated as its probabilities, so d sample / d logits is the
/// softmax Jacobian. The gradient is biased; use it where a discrete forward pass matters more than an unbiased
/// estimate (or use <see cref="RelaxedOneHotCategorical"/>). Densities are those of <see cref="OneHotCategorical"/>.
/// </summary>
public sealed class OneHotCategoricalStraightThrough : Distribution, IDistribution
{
    private readonly OneHotCategorical inner;

    /// <summary>Creates the distribution from logits or probabilities over the last dimension (give exactly one).</summary>
    /// <param name="byName">Never given: it makes the parameters after it named-only (<see cref="Distributions.ByName"/>).</param>
    /// <param name="logits">[..., K] unnormalised log-probabilities.</param>
    /// <param name="probs">[..., K] probabilities.</param>
    public OneHotCategoricalStraightThrough(ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(new OneHotCategorical(logits: logits, probs: probs))
    {
    }

    private OneHotCategoricalStraightThrough(OneHotCategorical inner)
        : base(inner.BatchShape, inner.EventShape)
    {
        this.inner = inner;
    }

    /// <summary>Probabilities, [..., K].</summary>
    public torch.Tensor Probs => inner.Categorical.Probs;

    /// <summary>Reparameterised in the straight-through sense: samples carry a (biased) gradient.</summary>
    public override bool IsReparameterized => true;

    /// <inheritdoc/>
    public torch.Tensor Mean => inner.Mean;

    /// <inheritdoc/>
    public torch.Tensor Variance => inner.Variance;

    /// <inheritdoc/>
    public torch.Tensor Entropy() => inner.Entropy();

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value) => inner.LogProb(value);

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        torch.Tensor hard;
        using (torch.no_grad())
        {
            hard = inner.Sample(sampleShape, generator);
        }

        var probs = Probs.expand(hard.shape);
        return (hard + probs - probs.detach()).MoveToOuterDisposeScope();
    }
}
