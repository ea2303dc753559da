using System.Linq;
using Gen.Dsl;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>
/// Conditional image flows, normalised networks and inverted steps on the GPU: the same numbers and gradients as on
/// the CPU from the same weights, in float64.
/// </summary>
[Trait("Category", "Cuda")]
public sealed class ImageFlowsOnCuda
{
    /// <summary>Moves every parameter of both models by the same N(0, 0.1²) noise, so that no layer is the identity.</summary>
    private static void PerturbAlike(torch.nn.Module cpu, torch.nn.Module gpu, ulong seed)
    {
        using var noGrad = torch.no_grad();
        using var g = new torch.Generator(seed);
        foreach (var (a, b) in cpu.parameters().Zip(gpu.parameters()))
        {
            var noise = 0.1 * torch.randn(a.shape, dtype: torch.float64, generator: g);
            a.add_(noise);
            b.add_(noise.to(Cuda.Gpu));
        }
    }

    private static void GradientsAgree(torch.nn.Module cpu, torch.nn.Module gpu, double tolerance)
    {
        foreach (var ((name, a), (_, b)) in cpu.named_parameters().Zip(gpu.named_parameters()))
        {
            Assert.True(a.grad is not null && b.grad is not null, $"{name} has no gradient");
            Assert.True(a.grad!.allclose(b.grad!.cpu(), rtol: tolerance, atol: tolerance), $"{name}: the gradients differ");
        }
    }

    [CudaFact]
    public void A_class_conditional_glow_with_normalised_conditioners_matches_the_cpu()
    {
        var net = Net.ConvResNet(8, 1).WithNormalization(Normalization.Layer);
        var spec = ImageFlow.Over(1, 8, 8)
            .WithPreprocessing(ImagePreprocessing.Logit(17))
            .WithContext(10)
            .Then(ImageBij.Squeeze())
            .Then(ImageBij.ActNorm())
            .Then(ImageBij.Conv1x1(lu: true))
            .Then(ImageBij.AffineCoupling(ImageMask.Channel(), net))
            .Then(ImageBij.FactorOut())
            .Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(), net.WithNormalization(Normalization.Batch)));
        using var cpu = spec.Compile(Device.Cpu, torch.float64, seed: 3);
        using var gpu = spec.Compile(Cuda.Gpu, torch.float64, seed: 3);
        PerturbAlike(cpu, gpu, 4);

        var x = (Cuda.RandN(5, 6, 1, 8, 8).abs() * 4).clamp(0.1, 16.9);
        var c = torch.nn.functional.one_hot(torch.tensor(new long[] { 0, 3, 3, 7, 9, 1 }), 10).to(torch.float64).to(Cuda.Gpu);
        var lpGpu = gpu.LogProb(x, c);
        var lpCpu = cpu.LogProb(x.cpu(), c.cpu());
        Assert.Equal(Cuda.Gpu.type, lpGpu.device_type);
        Assert.True(lpCpu.allclose(lpGpu.cpu(), rtol: 1e-9, atol: 1e-9), "log p(x | c) differs between the GPU and the CPU");
        lpGpu.sum().backward();
        lpCpu.sum().backward();
        GradientsAgree(cpu, gpu, 1e-8);

        gpu.eval();
        using var g = Seed.Generator(6);
        var drawn = gpu.Sample(4, c[1], g);
        Assert.Equal(Cuda.Gpu.type, drawn.device_type);
        Assert.Equal(new long[] { 4, 1, 8, 8 }, drawn.shape);
        Assert.True(torch.isfinite(gpu.LogProb(drawn, c[1])).all().item<bool>());
    }

    [CudaFact]
    public void A_flow_with_inverted_steps_and_batch_normalised_couplings_matches_the_cpu()
    {
        var spec = Flow.Over(Dist.StandardNormal(6)).WithContext(2)
            .Then(Bij.AffineCoupling(Mask.Alternating(6), Net.Mlp(16, 16).WithNormalization(Normalization.Batch)).Inverted())
            .Then(Bij.Planar().Inverted())
            .Then(Bij.MaskedAutoregressive(16).Inverted());
        using var cpu = spec.Compile(Device.Cpu, torch.float64, seed: 7);
        using var gpu = spec.Compile(Cuda.Gpu, torch.float64, seed: 7);
        PerturbAlike(cpu, gpu, 8);

        var x = Cuda.RandN(9, 32, 6);
        var c = Cuda.RandN(10, 32, 2);
        var lpGpu = gpu.LogProb(x, c);
        var lpCpu = cpu.LogProb(x.cpu(), c.cpu());
        Assert.True(lpCpu.allclose(lpGpu.cpu(), rtol: 1e-9, atol: 1e-9), "log p(x | c) differs between the GPU and the CPU (training mode)");
        lpGpu.sum().backward();
        lpCpu.sum().backward();
        GradientsAgree(cpu, gpu, 1e-8);

        cpu.eval();
        gpu.eval();
        using var noGrad = torch.no_grad();
        Assert.True(cpu.LogProb(x.cpu(), c.cpu()).allclose(gpu.LogProb(x, c).cpu(), rtol: 1e-9, atol: 1e-9), "the running statistics differ between the GPU and the CPU");
    }
}
