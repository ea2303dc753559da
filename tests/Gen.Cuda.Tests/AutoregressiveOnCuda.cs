using System;
using System.Linq;
using Gen.Dsl;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>
/// The autoregressive models on the GPU: the same log-likelihoods and gradients as on the CPU from the same seed, and
/// seeded ancestral samples equal to the CPU's.
/// </summary>
[Trait("Category", "Cuda")]
public sealed class AutoregressiveOnCuda
{
    // Binary samples must be equal; continuous ones (a flow's) equal up to float64 rounding, which differs between the
    // CPU's and the GPU's kernels.
    private static void Matches(Func<torch.Device, torch.nn.Module<torch.Tensor, torch.Tensor>> compile, Func<torch.Device, torch.Generator, torch.Tensor> sample, torch.Tensor x, double sampleTolerance = 0)
    {
        using var cpu = compile(Device.Cpu);
        using var gpu = compile(Cuda.Gpu);
        var lpCpu = cpu.forward(x);
        var lpGpu = gpu.forward(x.to(Cuda.Gpu));
        Assert.Equal(Cuda.Gpu.type, lpGpu.device_type);
        Assert.True(lpCpu.allclose(lpGpu.cpu(), rtol: 1e-9, atol: 1e-9), $"max |cpu - gpu| = {(lpCpu - lpGpu.cpu()).abs().max().item<double>()}");
        lpCpu.sum().backward();
        lpGpu.sum().backward();
        foreach (var (a, b) in cpu.parameters().Zip(gpu.parameters()))
        {
            if (a.grad is not null)
            {
                Assert.True(a.grad.allclose(b.grad!.cpu(), rtol: 1e-8, atol: 1e-8));
            }
        }

        using var g1 = Seed.Generator(3);
        using var g2 = Seed.Generator(3);
        var sCpu = sample(Device.Cpu, g1);
        var sGpu = sample(Cuda.Gpu, g2);
        Assert.Equal(Cuda.Gpu.type, sGpu.device_type);
        Assert.True(sCpu.allclose(sGpu.cpu(), sampleTolerance, sampleTolerance), $"seeded samples differ between the CPU and the GPU by up to {(sCpu - sGpu.cpu()).abs().max().item<double>()}");
    }

    private static torch.Tensor Binary(long seed, params long[] shape)
    {
        using var g = Seed.Generator(seed);
        return torch.bernoulli(torch.full(shape, 0.4, dtype: torch.float64), g);
    }

    [CudaFact]
    public void Made_nade_and_fvsbn_agree_with_the_cpu()
    {
        var x = Binary(1, 16, 10);
        var made = Autoregressive.Made(10, 32, 32);
        Matches(d => made.Compile(d, torch.float64, seed: 2), (d, g) => made.Compile(d, torch.float64, seed: 2).Sample(6, g), x);
        var nade = Autoregressive.Nade(10, 16);
        Matches(d => nade.Compile(d, torch.float64, seed: 2), (d, g) => nade.Compile(d, torch.float64, seed: 2).Sample(6, g), x);
        var fvsbn = Autoregressive.Fvsbn(10);
        Matches(d => fvsbn.Compile(d, torch.float64, seed: 2), (d, g) => fvsbn.Compile(d, torch.float64, seed: 2).Sample(6, g), x);
    }

    [CudaFact]
    public void Pixelcnn_and_gated_pixelcnn_agree_with_the_cpu()
    {
        var x = Binary(4, 4, 1, 6, 6);
        var plain = Autoregressive.PixelCnn(1, 6, 6).WithFilters(16).WithResidualBlocks(2);
        Matches(d => plain.Compile(d, torch.float64, seed: 5), (d, g) => plain.Compile(d, torch.float64, seed: 5).Sample(3, g), x);
        var gated = Autoregressive.GatedPixelCnn(1, 6, 6).WithFilters(16).WithLayers(3);
        Matches(d => gated.Compile(d, torch.float64, seed: 5), (d, g) => gated.Compile(d, torch.float64, seed: 5).Sample(3, g), x);
    }

    [CudaFact]
    public void A_masked_autoregressive_flow_agrees_with_the_cpu()
    {
        var spec = Flow.Over(Dist.StandardNormal(6)).Then(Bij.MaskedAutoregressive(24, 24)).Then(Bij.Reverse()).Repeat(2);
        using var g = Seed.Generator(8);
        var x = torch.randn(new long[] { 12, 6 }, dtype: torch.float64, generator: g);
        Matches(d => Perturbed(spec.Compile(d, torch.float64, seed: 1)), (d, gen) => Perturbed(spec.Compile(d, torch.float64, seed: 1)).Sample(5, gen), x, sampleTolerance: 1e-9);
    }

    // The flow's output layers start at zero (identity steps); perturb them identically so every layer is exercised.
    private static FlowModel Perturbed(FlowModel model)
    {
        using var noGrad = torch.no_grad();
        using var g = Seed.Generator(99);
        foreach (var p in model.parameters())
        {
            p.add_((0.05 * torch.randn(p.shape, dtype: p.dtype, generator: g)).to(p.device));
        }

        return model;
    }
}
