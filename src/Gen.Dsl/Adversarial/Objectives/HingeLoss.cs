using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Gen.Dsl;

/// <summary>
/// The hinge loss (Lim and Ye, 2017; Miyato et al., 2018): the discriminator minimises
/// E max(0, 1 − D(x)) + E max(0, 1 + D(G(z))), the generator −E D(G(z)).
/// </summary>
public sealed record HingeLoss : LogitLoss
{
    /// <inheritdoc/>
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realLogits, torch.Tensor fakeLogits) =>
        Compute(realLogits, fakeLogits, (r, f) => relu(1 - r).mean() + relu(1 + f).mean());

    /// <inheritdoc/>
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits) => Compute(fakeLogits, f => -f.mean());

    /// <inheritdoc/>
    public override string ToString() => "Hinge";
}
