using System;
using System.Text;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A generative adversarial network over vectors: a generator network from <see cref="Latent"/> standard-normal
/// latents (plus a one-hot label for a conditional model) to <see cref="Data"/> features, and a discriminator network
/// from <see cref="Data"/> features to one logit. A conditional discriminator adds a projection term (Miyato and
/// Koyama, 2018). Build it with <see cref="Adversarial.Gan"/> and the methods here; train it with a
/// <see cref="GanTrainer"/>.
/// </summary>
/// <param name="Latent">Latent dimension.</param>
/// <param name="Data">Features per sample.</param>
/// <param name="GeneratorNetwork">The generator's hidden layers.</param>
/// <param name="DiscriminatorNetwork">The discriminator's hidden layers.</param>
/// <param name="SpectralNormalized">Whether every linear map of the discriminator is spectrally normalised.</param>
/// <param name="Classes">Number of classes of a class-conditional model; 0 for an unconditional one.</param>
public sealed record GanSpec(int Latent, int Data, MlpSpec GeneratorNetwork, MlpSpec DiscriminatorNetwork, bool SpectralNormalized, int Classes) : IModelSpec<GanModel>, ISizedSpec
{
    /// <summary>The same GAN with this generator network (its input and output widths come from the GAN).</summary>
    public GanSpec Generator(MlpSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Check("gan.generator");
        return this with { GeneratorNetwork = network };
    }

    /// <summary>The same GAN with this discriminator network (its input width comes from the GAN; it outputs one logit).</summary>
    public GanSpec Discriminator(MlpSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Check("gan.discriminator");
        return this with { DiscriminatorNetwork = network };
    }

    /// <summary>The same GAN with every linear map of the discriminator spectrally normalised (<see cref="SpectralNorm"/>).</summary>
    public GanSpec WithSpectralNorm() => this with { SpectralNormalized = true };

    /// <summary>The same GAN conditioned on a class label: the generator also takes the one-hot label, the discriminator a projection term.</summary>
    /// <exception cref="GenShapeException"><paramref name="classes"/> is below 2.</exception>
    public GanSpec WithClasses(int classes)
    {
        if (classes < 2)
        {
            throw new GenShapeException("gan.classes", $"a conditional model needs at least 2 classes, got {classes}.");
        }

        return this with { Classes = classes };
    }

    /// <summary>
    /// Compiles the spec to a new, independent module on <paramref name="device"/>. With a <paramref name="seed"/>, the
    /// initial weights (and spectral normalisation's starting vectors) are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">A size or network does not fit (possible when the spec was built with the record
    /// constructor instead of <see cref="Adversarial.Gan"/>).</exception>
    public GanModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Checked(this);
        ArgumentNullException.ThrowIfNull(GeneratorNetwork);
        ArgumentNullException.ThrowIfNull(DiscriminatorNetwork);
        GeneratorNetwork.Check("gan.generator");
        DiscriminatorNetwork.Check("gan.discriminator");
        if (Classes is < 0 or 1)
        {
            throw new GenShapeException("gan.classes", $"a conditional model needs at least 2 classes (0 for none), got {Classes}.");
        }

        return SpecCompiler.Compile(() => new GanModel(this), device, dtype, seed);
    }

    /// <summary>The spec as an indented tree.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Gan latent ").Append(Latent).Append(" -> data ").Append(Data);
        if (Classes > 0)
        {
            sb.Append(", ").Append(Classes).Append(" classes (projection discriminator)");
        }

        sb.AppendLine().Append("  generator: ").Append(GeneratorNetwork);
        sb.AppendLine().Append("  discriminator: ").Append(DiscriminatorNetwork);
        if (SpectralNormalized)
        {
            sb.Append(" with spectral norm");
        }

        return sb.ToString();
    }

    internal static GanSpec Checked(GanSpec spec)
    {
        if (spec.Latent < 1)
        {
            throw new GenShapeException("gan.latent", $"the latent dimension must be positive, got {spec.Latent}.");
        }

        if (spec.Data < 1)
        {
            throw new GenShapeException("gan.data", $"the number of features must be positive, got {spec.Data}.");
        }

        return spec;
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features("gan.latent", Latent);
        budget.Features("gan.data", Data);
        budget.Width("gan.classes", Classes);
        GeneratorNetwork.Measure(budget, "gan.generator", (Int128)Latent + Classes, Data);
        DiscriminatorNetwork.Measure(budget, "gan.discriminator", Data, 1, SpectralNormalized);
        if (Classes > 0)
        {
            // The projection of the class onto the discriminator's last hidden features.
            long features = DiscriminatorNetwork.Hidden.Count == 0 ? Data : DiscriminatorNetwork.Hidden[^1];
            budget.Linear("gan.discriminator.projection", Classes, features, bias: false);
            budget.Buffer("gan.discriminator.projection", SpectralNormalized ? (long)Classes + features : 0);
        }
    }
}
