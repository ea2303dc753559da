using System.Linq;
using Gen.Data;
using Gen.Dsl;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>Compiled models on the GPU: the same numbers as on the CPU, and training that reaches a real result.</summary>
[Trait("Category", "Cuda")]
public sealed class FlowsOnCuda
{
    private static FlowSpec RealNvp(int features) =>
        Flow.Over(Dist.StandardNormal(features))
            .Then(Bij.AffineCoupling(Mask.Alternating(features), Net.Mlp(32, 32)))
            .Then(Bij.Permute(seed: 1))
            .Repeat(3)
            .Then(Bij.Affine());

    [CudaFact]
    public void A_flow_compiled_for_the_gpu_matches_the_cpu_in_float64()
    {
        using var cpu = RealNvp(8).Compile(Device.Cpu, torch.float64, seed: 5);
        using var gpu = RealNvp(8).Compile(Cuda.Gpu, torch.float64, seed: 5);
        using (torch.no_grad())
        {
            using var pg = new torch.Generator(9);
            foreach (var (a, b) in cpu.parameters().Zip(gpu.parameters()))
            {
                var noise = 0.1 * torch.randn(a.shape, dtype: torch.float64, generator: pg);
                a.add_(noise);
                b.add_(noise.to(Cuda.Gpu));
            }
        }

        var x = Cuda.RandN(1, 32, 8);
        var lpGpu = gpu.LogProb(x);
        var lpCpu = cpu.LogProb(x.cpu());
        Assert.Equal(Cuda.Gpu.type, lpGpu.device_type);
        Assert.True(lpCpu.allclose(lpGpu.cpu(), rtol: 1e-10, atol: 1e-10));

        lpGpu.sum().backward();
        lpCpu.sum().backward();
        foreach (var (a, b) in cpu.parameters().Zip(gpu.parameters()))
        {
            Assert.True(a.grad!.allclose(b.grad!.cpu(), rtol: 1e-9, atol: 1e-9));
        }

        using var g = Seed.Generator(4);
        var s = gpu.SampleAndLogProb(16, g);
        Assert.Equal(Cuda.Gpu.type, s.Value.device_type);
        Assert.True(s.LogProb.allclose(gpu.LogProb(s.Value), rtol: 1e-9, atol: 1e-9));
    }

    [CudaFact]
    public void A_flow_trained_on_the_gpu_beats_a_per_pixel_gaussian_on_held_out_digits()
    {
        Seed.Everything(0);
        var gpu = Cuda.Gpu;
        var pixels = Digits.Load(gpu).Images;
        using var noise = Seed.Generator(0);
        var data = (pixels + DeviceRandom.Uniform(pixels.shape, torch.float32, gpu, noise)) / 17f;
        var split = DataSplit.Shuffled(data, 0.25, seed: 0);
        var mean = split.Train.mean(new long[] { 0 });
        var std = split.Train.std(0, keepdim: false);
        var gaussian = new Gen.Probability.Distributions.Independent(new Gen.Probability.Distributions.Normal(mean, std), 1);
        var gaussianNll = -gaussian.LogProb(split.Test).mean().item<float>();

        using var model = Flow.Over(Dist.StandardNormal(64))
            .Then(Bij.AffineCoupling(Mask.Alternating(64), Net.Mlp(128)))
            .Then(Bij.Permute(seed: 1))
            .Repeat(4)
            .Then(Bij.Affine())
            .Compile(gpu, seed: 0);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 2e-3);
        var n = split.Train.shape[0];
        for (int step = 0; step < 300; step++)
        {
            using var scope = torch.NewDisposeScope();
            var idx = DeviceRandom.Integers(n, new long[] { 128 }, gpu, noise);
            var loss = -model.LogProb(split.Train.index_select(0, idx)).mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        float flowNll;
        using (torch.no_grad())
        {
            flowNll = -model.LogProb(split.Test).mean().item<float>();
        }

        Assert.True(flowNll < gaussianNll - 10, $"flow test NLL {flowNll:F2} nats should beat the per-pixel Gaussian's {gaussianNll:F2} by 10 nats");
    }
}
