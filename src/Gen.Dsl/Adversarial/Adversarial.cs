using System;

namespace Gen.Dsl;

/// <summary>Factories for adversarial models.</summary>
public static class Adversarial
{
    /// <summary>
    /// A GAN from <paramref name="latent"/> standard-normal latents to samples of shape <paramref name="dataShape"/>
    /// (<c>Gan(2, 2)</c> for points in the plane, <c>Gan(64, 1, 28, 28)</c> for MNIST images), with MLP(128, 128) ReLU
    /// networks for both players, no spectral normalisation, unconditional. Adjust it with
    /// <see cref="GanSpec.Generator"/>, <see cref="GanSpec.Discriminator"/>, <see cref="GanSpec.WithSpectralNorm"/>,
    /// <see cref="GanSpec.WithGeneratorOutput"/> and <see cref="GanSpec.WithClasses"/>.
    /// </summary>
    /// <param name="latent">Latent dimension.</param>
    /// <param name="dataShape">The shape of one sample: [features] or [channels, height, width].</param>
    /// <exception cref="GenShapeException">A size is not positive, or the shape has another rank.</exception>
    public static GanSpec Gan(int latent, params int[] dataShape)
    {
        ArgumentNullException.ThrowIfNull(dataShape);
        return GanSpec.Checked(new GanSpec(latent, new ValueList<int>(dataShape), Net.Mlp(128, 128), Net.Mlp(128, 128), false, 0));
    }

    /// <summary>A GAN over vectors of <paramref name="data"/> features: <c>Gan(latent, new[] { data })</c>.</summary>
    /// <param name="latent">Latent dimension.</param>
    /// <param name="data">Features per sample.</param>
    /// <exception cref="GenShapeException">A size is not positive.</exception>
    public static GanSpec Gan(int latent, int data) => Gan(latent, new[] { data });

    /// <summary>
    /// A DCGAN (Radford et al. 2016) for images [<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>] with sides divisible by 4: the generator a linear layer to a feature map of
    /// 2·<paramref name="filters"/> channels at a quarter of the side, then two 4×4 transposed convolutions of stride 2
    /// (2·<paramref name="filters"/> → <paramref name="filters"/> → C), batch normalisation and ReLU between them and tanh
    /// at the end (so the data should be scaled to [−1, 1]); the discriminator two 4×4 convolutions of stride 2 to
    /// <paramref name="filters"/> and 2·<paramref name="filters"/> channels with leaky ReLUs of slope 0.2 and a linear
    /// layer to the logit. At 28×28 with 64: 7×7×128 → 14×14×64 → 28×28×1, and 28×28×1 → 14×14×64 → 7×7×128 → 1.
    /// </summary>
    /// <param name="latent">Latent dimension (100 in the paper).</param>
    /// <param name="channels">Image channels.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="filters">Channels of the full-resolution feature maps' neighbours: the generator's last hidden map and the discriminator's first (64 in the paper).</param>
    /// <exception cref="GenShapeException">A size is not positive, or a side is too small for two halvings.</exception>
    public static GanSpec DcGan(int latent, int channels, int height, int width, int filters = 64) =>
        Gan(latent, channels, height, width)
            .Generator(Net.ConvDecoder(2 * filters, filters).WithNormalization(Normalization.Batch))
            .WithGeneratorOutput(Activation.Tanh)
            .Discriminator(Net.ConvEncoder(filters, 2 * filters).WithActivation(Activation.LeakyRelu02));

    /// <summary>
    /// An SNGAN (Miyato et al. 2018) for images [<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>]: the residual generator (<see cref="Net.ResNetGenerator"/>, as many up-sampling blocks
    /// as halve both sides, up to 3, while they stay at 4 or more: 2 at 28×28, 3 at 32×32) with tanh at the end, and the
    /// residual discriminator (<see cref="Net.ResNetDiscriminator"/>, 4 blocks of which 2 pool), spectrally normalised.
    /// SNGAN trains it with the hinge loss (<c>Objective.Hinge</c>) and Adam 2·10⁻⁴, β = (0, 0.9).
    /// </summary>
    /// <param name="latent">Latent dimension (128 in the paper).</param>
    /// <param name="channels">Image channels.</param>
    /// <param name="height">Image height, a multiple of 4.</param>
    /// <param name="width">Image width, a multiple of 4.</param>
    /// <param name="filters">Feature maps of every block (128 in the paper).</param>
    /// <exception cref="GenShapeException">A size is not positive, or a side is not a multiple of 4.</exception>
    public static GanSpec SnGan(int latent, int channels, int height, int width, int filters = 128) =>
        Gan(latent, channels, height, width)
            .Generator(Net.ResNetGenerator(filters, UpSamplingBlocks(height, width)))
            .WithGeneratorOutput(Activation.Tanh)
            .Discriminator(Net.ResNetDiscriminator(filters, downBlocks: 2, blocks: 4))
            .WithSpectralNorm();

    /// <summary>
    /// A small style-based GAN for images [<paramref name="channels"/>, <paramref name="height"/>,
    /// <paramref name="width"/>]: the StyleGAN2-style generator (<see cref="Net.StyleGenerator"/>, a mapping network of
    /// 4 layers to a style of <paramref name="latent"/> numbers, as many up-sampling blocks as halve both sides, up to 3,
    /// while they stay at 4 or more), with a linear output as in the paper, and the residual discriminator
    /// (<see cref="Net.ResNetDiscriminator"/>, 4 blocks of which 2 pool) without spectral normalisation. StyleGAN2 trains
    /// it with the non-saturating loss, an R1 penalty on real data applied lazily (<c>Penalty.R1(γ).Every(16)</c>) and
    /// Adam 2·10⁻³, β = (0, 0.99), keeping a moving average of the generator (<see cref="GanSpec.WithGeneratorAverage"/>).
    /// </summary>
    /// <param name="latent">Latent dimension, also the style's width (512 in the paper).</param>
    /// <param name="channels">Image channels.</param>
    /// <param name="height">Image height, a multiple of 4.</param>
    /// <param name="width">Image width, a multiple of 4.</param>
    /// <param name="filters">Feature maps of every layer of both players.</param>
    /// <exception cref="GenShapeException">A size is not positive, or a side is not a multiple of 4.</exception>
    public static GanSpec StyleGan(int latent, int channels, int height, int width, int filters = 64) =>
        Gan(latent, channels, height, width)
            .Generator(Net.StyleGenerator(filters, UpSamplingBlocks(height, width), styleWidth: latent, mappingLayers: 4))
            .Discriminator(Net.ResNetDiscriminator(filters, downBlocks: 2, blocks: 4));

    // As many 2× up-sampling blocks as halve both sides exactly, up to 3, while the starting sides stay at 4 or more.
    private static int UpSamplingBlocks(int height, int width)
    {
        int blocks = 1;
        while (blocks < 3 && height % (1 << (blocks + 1)) == 0 && width % (1 << (blocks + 1)) == 0 && height >> (blocks + 1) >= 4 && width >> (blocks + 1) >= 4)
        {
            blocks++;
        }

        return blocks;
    }

    /// <summary>
    /// A critic on its own, from <paramref name="features"/> features to one logit, with an MLP(128, 128) ReLU network and
    /// no spectral normalisation: the adversary of any <see cref="IDifferentiableSampler"/> (see <see cref="Adversary"/>).
    /// Adjust it with <see cref="CriticSpec.WithNetwork"/> and <see cref="CriticSpec.WithSpectralNorm"/>.
    /// </summary>
    /// <exception cref="GenShapeException">The size is not positive.</exception>
    public static CriticSpec Critic(int features) => CriticSpec.Checked(new CriticSpec(features, Net.Mlp(128, 128), false));
}
