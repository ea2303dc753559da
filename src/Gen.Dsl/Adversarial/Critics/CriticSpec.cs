using System;
using System.Text;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A critic (discriminator) declared on its own: a network from samples with <see cref="Features"/> features to one
/// logit, optionally with every linear map spectrally normalised. It is the same network a <see cref="GanSpec"/> uses
/// for its discriminator, and it can judge any <see cref="IDifferentiableSampler"/> (a flow, a VAE's decoder, a GAN's
/// generator) through an <see cref="Adversary"/>. Build it with <see cref="Adversarial.Critic"/>.
/// </summary>
/// <param name="Features">Features per sample.</param>
/// <param name="Network">The hidden layers.</param>
/// <param name="SpectralNormalized">Whether every linear map is spectrally normalised (<see cref="SpectralNorm"/>).</param>
public sealed record CriticSpec(int Features, MlpSpec Network, bool SpectralNormalized) : IModelSpec<CriticModel>, ISizedSpec
{
    /// <summary>The same critic with these hidden layers (input width from <see cref="Features"/>, one logit out).</summary>
    public CriticSpec WithNetwork(MlpSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Check("critic.network");
        return this with { Network = network };
    }

    /// <summary>The same critic with every linear map spectrally normalised.</summary>
    public CriticSpec WithSpectralNorm() => this with { SpectralNormalized = true };

    /// <summary>
    /// Compiles the spec to a new, independent module on <paramref name="device"/>. With a <paramref name="seed"/>, the
    /// initial weights (and spectral normalisation's starting vectors) are the same on every compile.
    /// </summary>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="dtype">Parameter type; float32 when null.</param>
    /// <param name="seed">Seed for the initial weights.</param>
    /// <exception cref="GenShapeException">The size or network does not fit (possible when the spec was built with the record constructor).</exception>
    public CriticModel Compile(torch.Device device, torch.ScalarType? dtype = null, long? seed = null)
    {
        Checked(this);
        ArgumentNullException.ThrowIfNull(Network);
        Network.Check("critic.network");
        return SpecCompiler.Compile(() => new CriticModel(this), device, dtype, seed);
    }

    /// <summary>The spec as one line.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Critic data ").Append(Features).Append(" -> logit: ").Append(Network);
        if (SpectralNormalized)
        {
            sb.Append(" with spectral norm");
        }

        return sb.ToString();
    }

    internal static CriticSpec Checked(CriticSpec spec)
    {
        if (spec.Features < 1)
        {
            throw new GenShapeException("critic.features", $"the number of features must be positive, got {spec.Features}.");
        }

        return spec;
    }

    /// <inheritdoc/>
    void ISizedSpec.Measure(SpecBudget budget)
    {
        budget.Features("critic.features", Features);
        Network.Measure(budget, "critic.network", Features, 1, SpectralNormalized);
    }
}
