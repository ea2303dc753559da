using System.Collections.Generic;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A model that draws samples with gradient to its parameters (reparameterised samples): a flow pushing base draws
/// through its bijectors, a GAN's generator, a VAE's decoder (<see cref="Sampler"/>). Anything that implements it can be
/// trained against a critic with an <see cref="Adversary"/>, alone or beside its likelihood.
/// </summary>
public interface IDifferentiableSampler
{
    /// <summary>The shape of one sample, for example [2] for points in the plane; checked against a critic before training.</summary>
    IReadOnlyList<long> SampleShape { get; }

    /// <summary>
    /// Draws <paramref name="count"/> samples, [count, ..SampleShape], in the model's dtype and on its device, differentiable
    /// with respect to the model's parameters.
    /// </summary>
    /// <param name="count">How many (at least 1).</param>
    /// <param name="generator">A seeded generator (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    torch.Tensor RSample(long count, torch.Generator? generator = null);
}
