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
}
