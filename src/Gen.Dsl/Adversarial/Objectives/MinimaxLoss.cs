using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Gen.Dsl;

/// <summary>
/// The original minimax GAN (Goodfellow et al., 2014), with D = σ(logit): the discriminator minimises
/// −E log D(x) − E log(1 − D(G(z))) and the generator minimises E log(1 − D(G(z))) (the saturating loss, whose gradient
/// vanishes while the discriminator rejects generated samples confidently). Computed with softplus, so it stays finite
/// for any logits. At the optimal discriminator the negated discriminator loss is 2·JSD(p‖q) − log 4.
/// </summary>
public sealed record MinimaxLoss : LogitLoss
{
    /// <inheritdoc/>
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realLogits, torch.Tensor fakeLogits) =>
        Compute(realLogits, fakeLogits, Logistic);

    /// <inheritdoc/>
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits) => Compute(fakeLogits, f => -softplus(f).mean());

    /// <inheritdoc/>
    public override string ToString() => "Minimax";
}
