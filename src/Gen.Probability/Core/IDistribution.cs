using System;
using TorchSharp;

namespace Gen.Probability;

/// <summary>
/// A probability distribution over tensors with batch shape B and event shape E. Values have shape
/// S ++ B ++ E for a sample shape S, and <see cref="LogProb"/> returns shape S ++ B.
/// </summary>
/// <remarks>Distributions are cheap value objects built from parameter tensors; they do not own those tensors.</remarks>
public interface IDistribution
{
    /// <summary>Shape of independent, not identically distributed copies.</summary>
    long[] BatchShape { get; }

    /// <summary>Shape of one event.</summary>
    long[] EventShape { get; }

    /// <summary>Whether <see cref="RSample"/> gives pathwise gradients (false for discrete families).</summary>
    bool IsReparameterized { get; }

    /// <summary>Draws samples without gradient.</summary>
    /// <param name="sampleShape">Leading sample dimensions (empty for a single draw).</param>
    /// <param name="generator">Optional random generator; the global one when null.</param>
    torch.Tensor Sample(long[] sampleShape, torch.Generator? generator = null);

    /// <summary>Draws reparameterised samples, differentiable with respect to the parameters.</summary>
    /// <exception cref="NotSupportedException">The family is not reparameterisable.</exception>
    torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null);

    /// <summary>log p(value), summed over the event dimensions. Values outside the support give -∞.</summary>
    torch.Tensor LogProb(torch.Tensor value);

    /// <summary>A (reparameterised where possible) sample and its log-density in one pass.</summary>
    Sampled SampleAndLogProb(long[] sampleShape, torch.Generator? generator = null);

    /// <summary>The mean.</summary>
    /// <exception cref="NotSupportedException">No closed form exists.</exception>
    torch.Tensor Mean => throw new NotSupportedException($"{GetType().Name} has no closed-form mean.");

    /// <summary>The variance (elementwise over the event).</summary>
    /// <exception cref="NotSupportedException">No closed form exists.</exception>
    torch.Tensor Variance => throw new NotSupportedException($"{GetType().Name} has no closed-form variance.");

    /// <summary>The entropy, of shape B.</summary>
    /// <exception cref="NotSupportedException">No closed form exists.</exception>
    torch.Tensor Entropy() => throw new NotSupportedException($"{GetType().Name} has no closed-form entropy.");
}
