namespace Gen.Dsl;

/// <summary>Factories for adversarial models.</summary>
public static class Adversarial
{
    /// <summary>
    /// A GAN from <paramref name="latent"/> standard-normal latents to <paramref name="data"/> features, with MLP(128, 128)
    /// ReLU networks for both players, no spectral normalisation, unconditional. Adjust it with
    /// <see cref="GanSpec.Generator"/>, <see cref="GanSpec.Discriminator"/>, <see cref="GanSpec.WithSpectralNorm"/> and
    /// <see cref="GanSpec.WithClasses"/>.
    /// </summary>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static GanSpec Gan(int latent, int data) =>
        GanSpec.Checked(new GanSpec(latent, data, Net.Mlp(128, 128), Net.Mlp(128, 128), false, 0));

    /// <summary>
    /// A critic on its own, from <paramref name="features"/> features to one logit, with an MLP(128, 128) ReLU network and
    /// no spectral normalisation: the adversary of any <see cref="IDifferentiableSampler"/> (see <see cref="Adversary"/>).
    /// Adjust it with <see cref="CriticSpec.WithNetwork"/> and <see cref="CriticSpec.WithSpectralNorm"/>.
    /// </summary>
    /// <exception cref="GenShapeException">The size is not positive.</exception>
    public static CriticSpec Critic(int features) => CriticSpec.Checked(new CriticSpec(features, Net.Mlp(128, 128), false));
}
