using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Least-squares GAN (Mao et al., 2017) with targets 1 for real, 0 for generated, and 1 for the generator:
/// the discriminator minimises ½E(D(x) − 1)² + ½E D(G(z))², the generator ½E(D(G(z)) − 1)², where D is the raw output.
/// </summary>
public sealed record LeastSquaresLoss : LogitLoss
{
    /// <inheritdoc/>
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realLogits, torch.Tensor fakeLogits) =>
        Compute(realLogits, fakeLogits, (r, f) => ((r - 1).square().mean() + f.square().mean()) * 0.5);

    /// <inheritdoc/>
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeLogits) => Compute(fakeLogits, f => (f - 1).square().mean() * 0.5);

    /// <inheritdoc/>
    public override string ToString() => "LeastSquares";
}
