using Gen.Runtime;
using TorchSharp;

namespace Gen;

/// <summary>Seeding: one call makes a run repeatable on the CPU.</summary>
public static class Seed
{
    /// <summary>Seeds TorchSharp's global generators (CPU and, where present, every CUDA device).</summary>
    /// <param name="seed">The seed.</param>
    public static void Everything(long seed)
    {
        GenRuntime.EnsureLoaded();
        torch.manual_seed(seed);
        if (torch.cuda.is_available())
        {
            torch.cuda.manual_seed_all(seed);
        }
    }

    /// <summary>A fresh generator for <paramref name="device"/>, seeded, independent of the global one.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="device">The device the generator serves; the CPU when null.</param>
    public static torch.Generator Generator(long seed, torch.Device? device = null)
    {
        GenRuntime.EnsureLoaded();
        return new torch.Generator((ulong)seed, device ?? torch.CPU);
    }
}
