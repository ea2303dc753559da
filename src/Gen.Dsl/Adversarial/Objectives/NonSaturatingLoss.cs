using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Gen.Dsl;

/// <summary>
/// The non-saturating GAN (Goodfellow et al., 2014): the discriminator's loss is the minimax one,
/// −E log σ(D(x)) − E log(1 − σ(D(G(z)))), and the generator minimises −E log σ(D(G(z))), whose gradient is strong
/// exactly when the discriminator rejects generated samples. Computed with softplus.
/// </summary>
public sealed record NonSaturatingLoss : LogitLoss
{
    /// <inheritdoc/>
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realLogits, torch.Tensor fakeLogits) =>
        Compute(realLogits, fakeLogits, Logistic);

    /// <inheritdoc/>
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits) => Compute(fakeLogits, f => softplus(-f).mean());

    /// <inheritdoc/>
    public override string ToString() => "NonSaturating";
}
