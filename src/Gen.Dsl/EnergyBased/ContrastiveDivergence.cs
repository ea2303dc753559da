using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Training an energy E(x) by persistent contrastive divergence with a replay buffer (Du and Mordatch 2019): each step
/// draws negatives by running a sampler from states of the <see cref="ReplayBuffer"/>, puts them back, and returns the
/// loss mean E(data) − mean E(negatives) + α·mean(E(data)² + E(negatives)²), whose gradient lowers the data's energy,
/// raises the model's own samples', and keeps the energies' magnitude small. The energy is any function from a batch to
/// one number per example (a <see cref="CriticModel"/>'s logits, a classifier's log-sum-exp); give it to a
/// <see cref="Trainer"/> with an optimizer over its parameters.
/// </summary>
/// <param name="Energy">E, from [batch, ...] to [batch].</param>
/// <param name="Sampler">The chains' moves (short-run Langevin, or MALA).</param>
/// <param name="Buffer">Where the chains persist between steps.</param>
/// <param name="Regularization">α ≥ 0, the weight of the energies' squares.</param>
public sealed record ContrastiveDivergence(Func<torch.Tensor, torch.Tensor> Energy, McmcSampler Sampler, ReplayBuffer Buffer, double Regularization = 1)
{
    /// <summary>
    /// The loss of a batch of data, with the terms <c>data_energy</c>, <c>sample_energy</c> and <c>regularizer</c>; the
    /// chains run without gradient to the energy's parameters, which get theirs from the loss alone.
    /// </summary>
    /// <param name="data">A batch [batch, ...].</param>
    /// <param name="generator">A seeded generator for the chains; the device's global generator when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The regularisation weight is negative or not finite.</exception>
    public Loss Loss(torch.Tensor data, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(Regularization >= 0) || !double.IsFinite(Regularization))
        {
            throw new ArgumentOutOfRangeException(nameof(Regularization), Regularization, "contrastive_divergence: the regularisation weight must be finite and 0 or more.");
        }

        var start = Buffer.Draw(data.shape[0], data.dtype, data.device, generator);
        var negatives = Sampler.Run(Energy, start, generator).Samples;
        Buffer.Push(negatives, generator);
        var dataEnergy = Energy(data);
        var sampleEnergy = Energy(negatives.detach());
        var regularizer = (dataEnergy.square() + sampleEnergy.square()).mean();
        var total = dataEnergy.mean() - sampleEnergy.mean() + (regularizer * Regularization);
        return new Loss(total, new[] { ("data_energy", dataEnergy.mean()), ("sample_energy", sampleEnergy.mean()), ("regularizer", regularizer) });
    }
}
