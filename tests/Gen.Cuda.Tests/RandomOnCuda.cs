using Gen.Probability;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>Seeded draws land on the GPU and equal the CPU's draws from the same seed.</summary>
[Trait("Category", "Cuda")]
public sealed class RandomOnCuda
{
    [CudaFact]
    public void A_seed_gives_the_same_numbers_on_the_gpu_as_on_the_cpu()
    {
        var shape = new long[] { 3, 5 };
        using (var a = Seed.Generator(1))
        using (var b = Seed.Generator(1))
        {
            var onGpu = DeviceRandom.Normal(shape, torch.float64, Cuda.Gpu, a);
            var onCpu = DeviceRandom.Normal(shape, torch.float64, Device.Cpu, b);
            Assert.Equal(Cuda.Gpu.type, onGpu.device_type);
            Assert.True(onGpu.cpu().allclose(onCpu, 0, 0));
        }

        using (var a = Seed.Generator(2))
        using (var b = Seed.Generator(2))
        {
            var rates = torch.tensor(new[] { 0.5, 4.0, 30.0 }, dtype: torch.float64);
            var onGpu = Family.Gamma(rates.to(Cuda.Gpu), rates.to(Cuda.Gpu)).Sample(new long[] { 4 }, a);
            var onCpu = Family.Gamma(rates, rates).Sample(new long[] { 4 }, b);
            Assert.Equal(Cuda.Gpu.type, onGpu.device_type);
            Assert.True(onGpu.cpu().allclose(onCpu, 1e-12, 1e-12));
        }
    }
}
