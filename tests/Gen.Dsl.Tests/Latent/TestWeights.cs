using TorchSharp;

namespace Gen.Dsl.Tests.Latent;

internal static class TestWeights
{
    /// <summary>Adds N(0, scale²) noise to every parameter (seeded), so that checks do not run at a special initialisation.</summary>
    public static void Perturb(torch.nn.Module model, long seed, double scale)
    {
        using var noGrad = torch.no_grad();
        var g = Seed.Generator(seed);
        foreach (var p in model.parameters())
        {
            p.add_(torch.randn(p.shape, dtype: p.dtype, generator: g) * scale);
        }
    }
}
