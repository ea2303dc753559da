using System;
using System.Linq;
using System.Text;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A generative adversarial network over events of any shape (vectors [features] or images [C, H, W]): a generator
/// network from <see cref="Latent"/> standard-normal latents (plus a one-hot label for a conditional model) to events
/// of <see cref="DataShape"/>, and a discriminator network from such events to one logit. A conditional discriminator
/// adds a projection term (Miyato and Koyama, 2018). Build it with <see cref="Adversarial.Gan(int, int[])"/> or
/// <see cref="Adversarial.DcGan"/> and the methods here; train it with a <see cref="GanTrainer"/>. Both networks are
/// checked against the data shape when they are declared, so a generator that cannot give the discriminator's input is
/// refused there, naming the layer and both shapes.
/// </summary>
/// <param name="Latent">Latent dimension.</param>
/// <param name="DataShape">The shape of one sample: [features] or [channels, height, width].</param>
/// <param name="GeneratorNetwork">The generator: from [Latent + Classes] to <paramref name="DataShape"/>.</param>
/// <param name="DiscriminatorNetwork">The discriminator: from <paramref name="DataShape"/> to one logit (an MLP), or to 1 + Classes outputs (any other network; see <see cref="Discriminator"/>).</param>
/// <param name="SpectralNormalized">Whether every linear map of the discriminator is spectrally normalised.</param>
/// <param name="Classes">Number of classes of a class-conditional model; 0 for an unconditional one.</param>
public sealed record GanSpec(int Latent, ValueList<int> DataShape, NetworkSpec GeneratorNetwork, NetworkSpec DiscriminatorNetwork, bool SpectralNormalized, int Classes) : IModelSpec<GanModel>, ISizedSpec
{
    private const string Node = "gan";

    /// <summary>
    /// The activation applied to the generator network's output, such as <see cref="Activation.Tanh"/> for data scaled to
    /// [−1, 1] (DCGAN); null (the default) for none.
    /// </summary>
    public Activation? GeneratorOutput { get; init; }

    /// <summary>
    /// The decay β of an exponential moving average of the generator's weights, θ̄ ← β·θ̄ + (1 − β)·θ after every
    /// generator step, warmed up over the first steps (<see cref="WeightAverage"/>; Yazıcı et al. 2019; StyleGAN and
    /// BigGAN sample from it); null (the default) for none. With it,
    /// <see cref="GanModel.Sample(long, torch.Generator?)"/> and <see cref="GanModel.SampleGiven(torch.Tensor, torch.Generator?)"/>
    /// draw from the averaged generator, which is saved with the model.
    /// </summary>
    public double? GeneratorAverage { get; init; }

    /// <summary>
    /// The same GAN keeping an exponential moving average of its generator's weights with decay <paramref name="decay"/>
    /// (0.999 is usual; the average spans about 1 / (1 − β) steps), from which it samples.
    /// </summary>
    /// <exception cref="GenShapeException">The decay is not in (0, 1).</exception>
    public GanSpec WithGeneratorAverage(double decay) => Checked(this with { GeneratorAverage = decay });

    /// <summary>The shape of one sample as longs.</summary>
    public long[] EventShape => DataShape.Select(d => (long)d).ToArray();

    /// <summary>The number of values in one sample.</summary>
    public long Features => EventShape.Aggregate(1L, (a, b) => a * b);

    /// <summary>
    /// The same GAN with this generator network, from [Latent + Classes] to the data shape (an MLP fits any shapes; a
    /// convolutional decoder, <see cref="Net.ConvDecoder"/>, gives images).
    /// </summary>
    /// <exception cref="GenShapeException">The network cannot give the data shape; the message names the layer and the shapes.</exception>
    public GanSpec Generator(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Checked(this with { GeneratorNetwork = network });
    }

    /// <summary>
    /// The same GAN with this discriminator network. An MLP is asked for one logit, its last hidden layer giving the
    /// projection term's features. Any other network (such as <see cref="Net.ConvEncoder"/>) is asked for one output, or
    /// 1 + K outputs for K classes: the logit for class y is output 0 plus output 1 + y, which is the projection term
    /// when the network ends in a linear layer. When the GAN is spectrally normalised, a convolutional encoder is made
    /// spectrally normalised too.
    /// </summary>
    /// <exception cref="GenShapeException">The network cannot read the data shape; the message names the layer and the shapes.</exception>
    public GanSpec Discriminator(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Checked(this with { DiscriminatorNetwork = SpectralNormalized ? Normalized(network) : network });
    }

    /// <summary>
    /// The same GAN with every linear map and convolution of the discriminator spectrally normalised
    /// (<see cref="SpectralNorm"/>): an MLP's layers, or a convolutional encoder's (<see cref="ConvEncoderSpec.WithSpectralNorm"/>).
    /// </summary>
    /// <exception cref="GenShapeException">The discriminator is a network of another kind; normalise its layers in the network itself.</exception>
    public GanSpec WithSpectralNorm() => this with { SpectralNormalized = true, DiscriminatorNetwork = Normalized(DiscriminatorNetwork) };

    /// <summary>The same GAN with <paramref name="activation"/> applied to the generator's output (<see cref="Activation.Tanh"/> for data in [−1, 1]).</summary>
    /// <exception cref="GenShapeException">The value is not one of the named activations.</exception>
    public GanSpec WithGeneratorOutput(Activation activation)
    {
        MlpSpec.CheckActivation($"{Node}.generator_output", activation);
        return this with { GeneratorOutput = activation };
    }

    /// <summary>The same GAN conditioned on a class label: the generator also takes the one-hot label, the discriminator a projection term.</summary>
    /// <exception cref="GenShapeException"><paramref name="classes"/> is below 2, or a network does not fit the new widths.</exception>
    public GanSpec WithClasses(int classes)
    {
        if (classes < 2)
        {
            throw new GenShapeException($"{Node}.classes", $"a conditional model needs at least 2 classes, got {classes}.");
        }

        return Checked(this with { Classes = classes });
    }

    /// <summary>
    /// Compiles the spec to a new, independent module on <paramref name="device"/>. With a <paramref name="seed"/>, the
    /// initial weights (and spectral normalisation's starting vectors) are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">A size or network does not fit (possible when the spec was built with the record
    /// constructor instead of <see cref="Adversarial.Gan(int, int[])"/>).</exception>
    public GanModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Checked(this);
        return SpecCompiler.Compile(() => new GanModel(this), device, dtype, seed);
    }

    /// <summary>The spec as an indented tree.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Gan latent ").Append(Latent).Append(" -> data ");
        sb.Append(DataShape.Count == 1 ? DataShape[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : Shape.Format(EventShape));
        if (Classes > 0)
        {
            sb.Append(", ").Append(Classes).Append(" classes (projection discriminator)");
        }

        sb.AppendLine().Append("  generator: ").Append(GeneratorNetwork);
        if (GeneratorOutput is { } output)
        {
            sb.Append(" then ").Append(output.ToString().ToLowerInvariant());
        }

        if (GeneratorAverage is { } average)
        {
            sb.Append(", sampled from its moving average (decay ").Append(average.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(')');
        }

        sb.AppendLine().Append("  discriminator: ").Append(DiscriminatorNetwork);
        if (SpectralNormalized && DiscriminatorNetwork is MlpSpec)
        {
            sb.Append(" with spectral norm");
        }

        return sb.ToString();
    }

    /// <summary>The generator's input width: the latent and the one-hot label.</summary>
    internal long[] GeneratorInput => new[] { (long)Latent + Classes };

    /// <summary>The discriminator network's output width (see <see cref="Discriminator"/>).</summary>
    internal long[] DiscriminatorOutput => new[] { GanCritic.Outputs(DiscriminatorNetwork, Classes) };

    /// <summary>Checks every size and both networks against the data shape; throws <see cref="GenShapeException"/> naming the part.</summary>
    internal static GanSpec Checked(GanSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Latent < 1)
        {
            throw new GenShapeException($"{Node}.latent", $"the latent dimension must be positive, got {spec.Latent}.");
        }

        if (spec.DataShape is null || (spec.DataShape.Count != 1 && spec.DataShape.Count != 3) || spec.DataShape.Any(d => d < 1))
        {
            throw new GenShapeException($"{Node}.data", $"a GAN draws vectors [features] or images [C, H, W] of positive sizes, got {(spec.DataShape is null ? "none" : $"[{string.Join(", ", spec.DataShape)}]")}.");
        }

        if (spec.Classes is < 0 or 1)
        {
            throw new GenShapeException($"{Node}.classes", $"a conditional model needs at least 2 classes (0 for none), got {spec.Classes}.");
        }

        if (spec.GeneratorNetwork is null || spec.DiscriminatorNetwork is null)
        {
            throw new GenShapeException(spec.GeneratorNetwork is null ? $"{Node}.generator" : $"{Node}.discriminator", "a GAN needs both networks (Net.Mlp, Net.ConvDecoder, Net.ConvEncoder).");
        }

        if (spec.GeneratorAverage is { } decay && !(decay > 0 && decay < 1))
        {
            throw new GenShapeException($"{Node}.generator_average", $"the decay of the generator's moving average must lie strictly between 0 and 1, got {decay}.");
        }

        if (spec.GeneratorOutput is { } output)
        {
            MlpSpec.CheckActivation($"{Node}.generator_output", output);
        }

        if (spec.GeneratorNetwork.ConditioningClasses is > 0 and var conditioned && conditioned != spec.Classes)
        {
            throw new GenShapeException($"{Node}.generator", $"the generator is conditioned on {conditioned} classes, but the GAN has {spec.Classes}; declare the GAN with WithClasses({conditioned}) first.");
        }

        spec.GeneratorNetwork.CheckShapes($"{Node}.generator", spec.GeneratorInput, spec.EventShape);
        spec.DiscriminatorNetwork.CheckShapes($"{Node}.discriminator", spec.EventShape, spec.DiscriminatorOutput);
        if (spec.SpectralNormalized && spec.DiscriminatorNetwork is ConvEncoderSpec { SpectralNormalized: false } or ResNetDiscriminatorSpec { SpectralNormalized: false })
        {
            throw new GenShapeException($"{Node}.discriminator", "the GAN is spectrally normalised but its discriminator network is not; declare it with GanSpec.WithSpectralNorm or the network's WithSpectralNorm.");
        }

        return spec;
    }

    // The network with its layers spectrally normalised; an MLP's are wrapped when the model is built.
    private static NetworkSpec Normalized(NetworkSpec network) => network switch
    {
        MlpSpec => network,
        ConvEncoderSpec conv => conv.WithSpectralNorm(),
        ResNetDiscriminatorSpec resnet => resnet.WithSpectralNorm(),
        _ => throw new GenShapeException($"{Node}.discriminator", $"spectral normalisation reaches the layers of an MLP, a convolutional encoder or a residual discriminator; normalise the layers of {network.GetType().Name} in the network itself."),
    };

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features($"{Node}.latent", Latent);
        budget.Features($"{Node}.data", DataShape.Aggregate((Int128)1, (a, d) => a * d));
        budget.Width($"{Node}.classes", Classes);
        GeneratorNetwork.Measure(budget, $"{Node}.generator", GeneratorInput, EventShape);
        if (GeneratorAverage is not null)
        {
            GeneratorNetwork.Measure(budget, $"{Node}.generator_average", GeneratorInput, EventShape);
            budget.Buffer($"{Node}.generator_average", 1);
        }

        if (DiscriminatorNetwork is not MlpSpec mlp)
        {
            DiscriminatorNetwork.Measure(budget, $"{Node}.discriminator", EventShape, DiscriminatorOutput);
            return;
        }

        Int128 features = DataShape.Aggregate((Int128)1, (a, d) => a * d);
        mlp.Measure(budget, $"{Node}.discriminator", features, 1, SpectralNormalized);
        if (Classes > 0)
        {
            // The projection of the class onto the discriminator's last hidden features.
            Int128 hidden = mlp.Hidden.Count == 0 ? features : mlp.Hidden[^1];
            budget.Linear($"{Node}.discriminator.projection", Classes, hidden, bias: false);
            budget.Buffer($"{Node}.discriminator.projection", SpectralNormalized ? Classes + hidden : 0);
        }
    }
}
