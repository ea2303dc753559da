using System.Linq;
using Gen.Dsl;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>The VAE on the GPU: with the same seeds, the same bounds and gradients as on the CPU.</summary>
[Trait("Category", "Cuda")]
public sealed class LatentOnCuda
{
    [CudaFact]
    public void Vae_bounds_and_gradients_match_the_cpu_with_the_same_seeds()
    {
        var spec = Latent.Vae(12, 3).WithEncoder(Net.Mlp(16)).WithDecoder(Net.Mlp(16)).WithPosteriorFlow(PosteriorFlowKind.Planar, 2);
        using var cpu = spec.Compile(Device.Cpu, torch.float64, seed: 4);
        using var gpu = spec.Compile(Cuda.Gpu, torch.float64, seed: 4);
        using var data = Seed.Generator(1);
        var x = torch.bernoulli(torch.full(new long[] { 8, 12 }, 0.4, dtype: torch.float64), data);

        using var g1 = Seed.Generator(2);
        using var g2 = Seed.Generator(2);
        var eCpu = cpu.Iwae(x, 5, g1);
        var eGpu = gpu.Iwae(x.to(Cuda.Gpu), 5, g2);
        Assert.Equal(Cuda.Gpu.type, eGpu.device_type);
        Assert.True(eCpu.allclose(eGpu.cpu(), 1e-9, 1e-9), $"max |cpu - gpu| = {(eCpu - eGpu.cpu()).abs().max().item<double>()}");
        eCpu.sum().backward();
        eGpu.sum().backward();
        foreach (var (a, b) in cpu.parameters().Zip(gpu.parameters()))
        {
            if (a.grad is not null)
            {
                Assert.True(a.grad.allclose(b.grad!.cpu(), 1e-8, 1e-8));
            }
        }

        using var g3 = Seed.Generator(3);
        var lp = gpu.LogProb(x.to(Cuda.Gpu), samples: 200, chunk: 50, g3);
        Assert.True((lp.cpu() >= eCpu.detach() - 1.0).all().item<bool>(), "the importance-sampled log p should not fall far below IWAE-5");
    }
}
