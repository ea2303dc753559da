using System.Linq;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A GAN's discriminator on events of any shape, in one of two forms.
/// <list type="bullet">
/// <item>An MLP: features φ(x) from the hidden layers (<c>body</c>, on the flattened event), a linear <c>head</c> giving
/// one logit, and, for a class-conditional model, a projection term ⟨Vy, φ(x)⟩ with V a bias-free linear map of the
/// one-hot label (<c>projection</c>; Miyato and Koyama, 2018). With spectral normalisation every linear map, V included,
/// is wrapped in <see cref="SpectralNorm"/>.</item>
/// <item>Any other network (<c>network</c>), asked for 1 output, or 1 + K for K classes: the logit is the first output
/// plus, given class y, output 1 + y. When the network ends in a linear layer, as a convolutional encoder does, this is
/// the projection discriminator again: φ is what the last layer reads, and V (and a bias per class) its rows 1 … K.
/// Spectral normalisation is then the network's own (<see cref="ConvEncoderSpec.WithSpectralNorm"/>).</item>
/// </list>
/// </summary>
internal sealed class GanCritic : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly Sequential? body;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor>? head;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor>? projection;
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor>? network;

    public GanCritic(NetworkSpec spec, long[] eventShape, int classes, bool spectralNorm) : base("gan_critic")
    {
        if (spec is not MlpSpec mlp)
        {
            network = spec.Build(eventShape, new[] { Outputs(spec, classes) });
            register_module(nameof(network), network);
            return;
        }

        long inputs = LayerShape.Flat(eventShape)[0];
        // The MLP's layers, its output layer (one logit) split off as the head.
        var layers = mlp.Build(inputs, 1, zeroLast: false).named_children()
            .Select(c => (c.name, Wrap((torch.nn.Module<torch.Tensor, torch.Tensor>)c.module, spectralNorm)))
            .ToList();
        body = torch.nn.Sequential(layers.Take(layers.Count - 1));
        head = layers[^1].Item2;
        register_module(nameof(body), body);
        register_module(nameof(head), head);
        if (classes > 0)
        {
            long features = mlp.Hidden.Count == 0 ? inputs : mlp.Hidden[^1];
            projection = Wrap(LayerInitialization.Seeded(torch.nn.Linear(classes, features, hasBias: false)), spectralNorm);
            register_module(nameof(projection), projection);
        }
    }

    /// <summary>The width a discriminator network other than an MLP is asked for: one logit, plus one per class.</summary>
    public static long Outputs(NetworkSpec spec, int classes) => spec is MlpSpec || classes == 0 ? 1 : 1L + classes;

    /// <summary>Logits [batch] of an unconditional critic.</summary>
    public override torch.Tensor forward(torch.Tensor x) => Logits(x, null);

    /// <summary>Logits [batch] for events [batch, …]; <paramref name="oneHot"/> [batch, classes] for a conditional critic, null otherwise.</summary>
    public torch.Tensor Logits(torch.Tensor x, torch.Tensor? oneHot)
    {
        using var scope = torch.NewDisposeScope();
        if (network is not null)
        {
            var outputs = network.call(x);
            var logit = outputs.select(-1, 0);
            if (oneHot is not null)
            {
                logit = logit + (outputs.narrow(-1, 1, oneHot.shape[^1]) * oneHot).sum(-1);
            }

            return logit.MoveToOuterDisposeScope();
        }

        var features = body!.forward(x.dim() == 2 ? x : x.flatten(1));
        var logits = head!.forward(features).squeeze(-1);
        if (projection is not null && oneHot is not null)
        {
            logits = logits + (projection.forward(oneHot) * features).sum(-1);
        }

        return logits.MoveToOuterDisposeScope();
    }

    private static torch.nn.Module<torch.Tensor, torch.Tensor> Wrap(torch.nn.Module<torch.Tensor, torch.Tensor> layer, bool spectralNorm) =>
        spectralNorm && layer is Linear linear ? SpectralNorm.Linear(linear) : layer;
}
