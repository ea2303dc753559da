namespace Gen.Dsl;

/// <summary>Entry point for latent-variable model specs.</summary>
public static class Latent
{
    /// <summary>
    /// A variational autoencoder (Kingma and Welling 2014) over vectors of <paramref name="features"/> numbers with
    /// <paramref name="latent"/> latent dimensions: a standard-normal prior, an encoder network to a diagonal-Gaussian
    /// posterior q(z|x), and a decoder network to the likelihood p(x|z). It starts with MLP(200, 200) encoder and
    /// decoder, a Bernoulli likelihood and the ELBO objective; change them with the <c>With…</c> methods of
    /// <see cref="VaeSpec"/>.
    /// </summary>
    /// <param name="features">Numbers per data point (784 for flattened MNIST).</param>
    /// <param name="latent">Latent dimensions.</param>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static VaeSpec Vae(int features, int latent) => new(features, latent);

    /// <summary>
    /// A variational autoencoder over images [<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>] (binarised MNIST is [1, 28, 28]) with <paramref name="latent"/> latent dimensions; its
    /// data, samples and reconstructions are batches [batch, channels, height, width]. It starts like the vector VAE
    /// (MLP(200, 200) networks on the flattened pixels, a Bernoulli likelihood per pixel, the ELBO); give it
    /// convolutional networks with <c>WithEncoder(Net.ConvEncoder(32, 64)).WithDecoder(Net.ConvDecoder(64, 32))</c>.
    /// </summary>
    /// <param name="channels">Colour channels C.</param>
    /// <param name="height">Image height H in pixels.</param>
    /// <param name="width">Image width W in pixels.</param>
    /// <param name="latent">Latent dimensions.</param>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static VaeSpec Vae(int channels, int height, int width, int latent) => new(channels, height, width, latent);
}
