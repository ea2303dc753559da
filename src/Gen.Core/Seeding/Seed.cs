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

    /// <summary>
    /// A fresh seeded generator, independent of the global one, usable for draws on any device: Gen draws with it on
    /// the CPU and copies the numbers to the target device (<see cref="DeviceRandom"/>), so a seed gives the same
    /// numbers everywhere. (TorchSharp 0.107 makes every generator a CPU generator, whatever device it is given.)
    /// </summary>
    /// <param name="seed">The seed.</param>
    public static torch.Generator Generator(long seed)
    {
        GenRuntime.EnsureLoaded();
        return new torch.Generator((ulong)seed, torch.CPU);
    }
}
