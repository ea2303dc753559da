using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Differentiable samplers for models that do not implement <see cref="IDifferentiableSampler"/> themselves (a VAE's
/// decoder) or for any function. <see cref="FlowModel"/> and <see cref="GanModel"/> are samplers already.
/// </summary>
public static class Sampler
{
    /// <summary>
    /// A VAE's decoder mean: z ~ p(z) reparameterised, then the mean of p(x|z) (pixel probabilities for a Bernoulli
    /// likelihood), [count, features]. Differentiable with respect to the decoder for every likelihood, so it is the
    /// sampler to train a VAE with binary data adversarially (as in VAE-GAN-style hybrids).
    /// </summary>
    /// <param name="vae">The model.</param>
    public static IDifferentiableSampler DecoderMean(VaeModel vae)
    {
        ArgumentNullException.ThrowIfNull(vae);
        // Flattened: an image VAE decodes [count, C, H, W], and critics take vectors.
        return From(new long[] { vae.Spec.Features }, (count, g) => vae.Decode(vae.Prior().RSample(new[] { count }, g)).Mean.reshape(count, -1), "vae.decoder_mean");
    }

    /// <summary>
    /// A VAE's samples: z ~ p(z), then x ~ p(x|z), both reparameterised, [count, features]. Only a likelihood with
    /// reparameterised samples (Gaussian) allows it; a Bernoulli likelihood is refused (use <see cref="DecoderMean"/>).
    /// </summary>
    /// <param name="vae">The model.</param>
    /// <exception cref="ArgumentException">The likelihood's samples are discrete, so not differentiable.</exception>
    public static IDifferentiableSampler Decoder(VaeModel vae)
    {
        ArgumentNullException.ThrowIfNull(vae);
        if (vae.Spec.Likelihood is not GaussianHead)
        {
            throw new ArgumentException($"vae.decoder: a {vae.Spec.Likelihood} likelihood has no reparameterised samples, so its samples carry no gradient; use Sampler.DecoderMean.", nameof(vae));
        }

        return From(new long[] { vae.Spec.Features }, (count, g) => vae.Decode(vae.Prior().RSample(new[] { count }, g)).RSample(Array.Empty<long>(), g).reshape(count, -1), "vae.decoder");
    }

    /// <summary>
    /// A sampler from a function: <paramref name="draw"/>(count, generator) must give [count, ..<paramref name="sampleShape"/>]
    /// with gradient to the parameters to train (checked on every draw).
    /// </summary>
    /// <param name="sampleShape">The shape of one sample.</param>
    /// <param name="draw">Draws the samples.</param>
    /// <param name="node">The sampler's name in error messages.</param>
    /// <exception cref="GenShapeException">The sample shape is empty or has a size below 1.</exception>
    public static IDifferentiableSampler From(long[] sampleShape, Func<long, torch.Generator?, torch.Tensor> draw, string node = "sampler")
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(node);
        if (sampleShape.Length == 0 || sampleShape.Any(s => s < 1))
        {
            throw new GenShapeException(node, $"a sample needs at least one dimension, each of size 1 or more; got {Shape.Format(sampleShape)}.");
        }

        return new FunctionSampler(sampleShape.ToArray(), draw, node);
    }
}
