using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A GAN's discriminator: features φ(x) from the hidden layers (<c>body</c>), a linear <c>head</c> giving one logit, and,
/// for a class-conditional model, a projection term ⟨Vy, φ(x)⟩ with V a bias-free linear map of the one-hot label
/// (<c>projection</c>; Miyato and Koyama, 2018). With spectral normalisation every linear map, V included, is wrapped
/// in <see cref="SpectralNorm"/>.
/// </summary>
internal sealed class GanCritic : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly Sequential body;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> head;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor>? projection;

    public GanCritic(MlpSpec network, long inputs, int classes, bool spectralNorm) : base("gan_critic")
    {
        // The MLP's layers, its output layer (one logit) split off as the head.
        var layers = network.Build(inputs, 1, zeroLast: false).named_children()
            .Select(c => (c.name, Wrap((torch.nn.Module<torch.Tensor, torch.Tensor>)c.module, spectralNorm)))
            .ToList();
        body = torch.nn.Sequential(layers.Take(layers.Count - 1));
        head = layers[^1].Item2;
        register_module(nameof(body), body);
        register_module(nameof(head), head);
        if (classes > 0)
        {
            long features = network.Hidden.Count == 0 ? inputs : network.Hidden[^1];
            projection = Wrap(LayerInitialization.Seeded(torch.nn.Linear(classes, features, hasBias: false)), spectralNorm);
            register_module(nameof(projection), projection);
        }
    }

    /// <summary>Logits [batch] of an unconditional critic.</summary>
    public override torch.Tensor forward(torch.Tensor x) => Logits(x, null);

    /// <summary>Logits [batch]; <paramref name="oneHot"/> [batch, classes] for a conditional critic, null otherwise.</summary>
    public torch.Tensor Logits(torch.Tensor x, torch.Tensor? oneHot)
    {
        using var scope = torch.NewDisposeScope();
        var features = body.forward(x);
        var logits = head.forward(features).squeeze(-1);
        if (projection is not null && oneHot is not null)
        {
            logits = logits + (projection.forward(oneHot) * features).sum(-1);
        }

        return logits.MoveToOuterDisposeScope();
    }

    private static torch.nn.Module<torch.Tensor, torch.Tensor> Wrap(torch.nn.Module<torch.Tensor, torch.Tensor> layer, bool spectralNorm) =>
        spectralNorm && layer is Linear linear ? SpectralNorm.Linear(linear) : layer;
}
