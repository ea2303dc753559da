using TorchSharp;

namespace Gen.Cuda.Tests;

/// <summary>The GPU under test and helpers for moving test data to it.</summary>
internal static class Cuda
{
    public static torch.Device Gpu => Device.Cuda(0);

    public static torch.Tensor RandN(long seed, params long[] shape)
    {
        using var g = new torch.Generator((ulong)seed);
        return torch.randn(shape, dtype: torch.float64, generator: g).to(Gpu);
    }
}
