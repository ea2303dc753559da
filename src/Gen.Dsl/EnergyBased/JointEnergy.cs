using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The training loss of a joint energy model (JEM, Grathwohl et al. 2020): the classifier's cross-entropy −log p(y | x)
/// plus the generative term of <paramref name="Generative"/>, which raises log p(x) = −E(x) − log Z by contrastive
/// divergence on the same batch (Langevin chains from a replay buffer). The loss names its terms
/// <c>classification</c>, <c>data_energy</c>, <c>sample_energy</c> and <c>regularizer</c>.
/// </summary>
/// <param name="Model">A joint energy model (<see cref="EnergySpec.WithClasses"/>).</param>
/// <param name="Generative">Contrastive divergence over the model's energy.</param>
/// <param name="GenerativeWeight">The weight of the generative term (1 in the paper; 0 trains the classifier alone).</param>
public sealed record JointEnergy(EnergyModel Model, ContrastiveDivergence Generative, double GenerativeWeight = 1)
{
    /// <summary>The loss of a labelled batch.</summary>
    /// <param name="x">Examples [batch, ...data shape].</param>
    /// <param name="labels">Their classes, int64 [batch], each in [0, K).</param>
    /// <param name="generator">A seeded generator for the chains; the device's global generator when null.</param>
    /// <exception cref="GenShapeException">The labels are not one per example.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative or not finite, or a label is outside [0, K).</exception>
    public Loss Loss(torch.Tensor x, torch.Tensor labels, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        if (!(GenerativeWeight >= 0) || !double.IsFinite(GenerativeWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(GenerativeWeight), GenerativeWeight, "joint_energy: the generative weight must be finite and 0 or more.");
        }

        if (labels.dim() != 1 || labels.shape[0] != x.shape[0])
        {
            throw new GenShapeException("joint_energy.labels", $"expects one label per example, [{x.shape[0]}], got a tensor of shape {Shape.Format(labels.shape)}.");
        }

        long classes = Model.Spec.Classes;
        if (labels.numel() > 0 && (labels.min().item<long>() < 0 || labels.max().item<long>() >= classes))
        {
            throw new ArgumentOutOfRangeException(nameof(labels), $"joint_energy.labels: the model has {classes} classes, so labels lie in [0, {classes - 1}]; got labels from {labels.min().item<long>()} to {labels.max().item<long>()}.");
        }

        var classification = torch.nn.functional.cross_entropy(Model.Logits(x), labels);
        if (GenerativeWeight == 0)
        {
            return new Loss(classification, new[] { ("classification", classification) });
        }

        var generative = Generative.Loss(x, generator);
        var terms = new (string, torch.Tensor)[1 + generative.Terms.Count];
        terms[0] = ("classification", classification);
        for (int i = 0; i < generative.Terms.Count; i++)
        {
            terms[i + 1] = generative.Terms[i];
        }

        return new Loss(classification + (generative.Total * GenerativeWeight), terms);
    }
}
