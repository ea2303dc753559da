using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// What an adversarial game needs of a critic (a discriminator): one logit per sample, its trainable parameters, and
/// whether its logits depend on the rest of the batch. <see cref="CriticModel"/> is one, and so is a GAN's own
/// discriminator (<see cref="GanModel.Critic"/>); implement it to put a critic of your own (a convolutional one, a
/// pretrained feature extractor with a head) into an <see cref="Adversary"/> or an <see cref="AdversarialTrainer"/>.
/// </summary>
public interface ICritic
{
    /// <summary>The shape of one sample the critic judges, such as [2] for points in the plane.</summary>
    IReadOnlyList<long> InputShape { get; }

    /// <summary>The number of classes a class-conditional critic reads beside each sample; 0 for an unconditional one.</summary>
    int Classes { get; }

    /// <summary>
    /// Whether a sample's logit depends on the other samples of its batch (batch normalisation). Penalties on each
    /// sample's input gradient (WGAN-GP, R1, DRAGAN) are refused for such a critic.
    /// </summary>
    bool DependsOnBatch { get; }

    /// <summary>The parameters the critic's optimizer trains.</summary>
    Parameter[] CriticParameters();

    /// <summary>
    /// One logit per sample, [batch], differentiable with respect to the critic's parameters and to <paramref name="x"/>.
    /// </summary>
    /// <param name="x">Samples [batch, ..InputShape] in the critic's dtype and on its device.</param>
    /// <param name="labels">Class labels, int64 [batch], for a conditional critic; null for an unconditional one.</param>
    torch.Tensor Logits(torch.Tensor x, torch.Tensor? labels = null);
}
