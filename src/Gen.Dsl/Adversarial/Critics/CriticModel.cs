using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A compiled <see cref="CriticSpec"/>: samples [batch, Features] to one logit each, [batch]. A TorchSharp module, so
/// <c>to()</c>, <c>train()</c>/<c>eval()</c> and <c>state_dict()</c> work as usual. State-dict names:
/// <c>network.body.linear{i}</c> and <c>network.head</c>; with spectral normalisation each layer holds
/// <c>layer.weight</c>, <c>layer.bias</c>, <c>u</c> and <c>v</c>.
/// </summary>
public sealed class CriticModel : torch.nn.Module<torch.Tensor, torch.Tensor>, ICritic
{
    private const string Node = "critic";

    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly GanCritic network;

    internal CriticModel(CriticSpec spec) : base("critic")
    {
        Spec = spec;
        network = new GanCritic(spec.Network, new long[] { spec.Features }, classes: 0, spec.SpectralNormalized);
        register_module(nameof(network), network);
    }

    /// <summary>The spec this model was compiled from.</summary>
    public CriticSpec Spec { get; }

    /// <inheritdoc/>
    public IReadOnlyList<long> InputShape => new long[] { Spec.Features };

    /// <summary>0: the critic reads no class labels.</summary>
    public int Classes => 0;

    /// <summary>Whether the network is batch-normalised.</summary>
    public bool DependsOnBatch => Spec.Network.DependsOnBatch;

    /// <summary>The critic's parameters, for its optimizer (spectral normalisation's u and v are buffers, not parameters).</summary>
    public Parameter[] CriticParameters() => parameters().ToArray();

    /// <summary>One logit per sample, [batch], differentiable with respect to the critic and to <paramref name="x"/>.</summary>
    /// <param name="x">Samples [batch, Features] in the critic's dtype and on its device.</param>
    /// <exception cref="GenShapeException">The samples have another shape.</exception>
    /// <exception cref="ArgumentException">Another dtype or device.</exception>
    public torch.Tensor Logits(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != Spec.Features)
        {
            throw new GenShapeException($"{Node}.samples", $"expects [batch, {Spec.Features}], got a tensor of shape {Shape.Format(x.shape)}.");
        }

        PixelLikelihood.CheckPlacement(x, Node, parameters().First(), "samples");
        return network.forward(x);
    }

    /// <summary>The same as <see cref="Logits(torch.Tensor)"/>; <paramref name="labels"/> must be null (the critic is unconditional).</summary>
    /// <exception cref="ArgumentException">Labels were given.</exception>
    torch.Tensor ICritic.Logits(torch.Tensor x, torch.Tensor? labels) =>
        labels is null ? Logits(x) : throw new ArgumentException($"{Node}: the critic is unconditional and reads no labels; a class-conditional GAN (GanSpec.WithClasses) judges labelled data with its own discriminator.", nameof(labels));

    /// <summary>The same as <see cref="Logits(torch.Tensor)"/>.</summary>
    public override torch.Tensor forward(torch.Tensor input) => Logits(input);
}
