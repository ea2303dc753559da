using System;
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
        lock (GlobalGenerator)
        {
            torch.manual_seed(seed);
            if (torch.cuda.is_available())
            {
                torch.cuda.manual_seed_all(seed);
            }
        }
    }

    /// <summary>
    /// Builds something whose construction draws from TorchSharp's global CPU generator (module initialisation does),
    /// with that generator seeded by <paramref name="seed"/>; every Gen <c>Compile(..., seed)</c> goes through here.
    /// </summary>
    /// <remarks>
    /// The build holds a process-wide lock that Gen's other uses of the global generator also take, so a seed gives
    /// the same initial weights even while other threads compile models or draw numbers through Gen. Afterwards the
    /// generator's state is put back: a seed fixes what is built and nothing after it. (Code that draws from the
    /// global generator directly through TorchSharp on another thread, during the build, can still change it.)
    /// Without a seed the build runs as it is, drawing from the generator's current state.
    /// </remarks>
    /// <typeparam name="T">What is built.</typeparam>
    /// <param name="seed">The seed, or null for the generator's current state.</param>
    /// <param name="build">The construction.</param>
    public static T Building<T>(long? seed, Func<T> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        GenRuntime.EnsureLoaded();
        lock (GlobalGenerator)
        {
            if (seed is not long s)
            {
                return build();
            }

            using var generator = torch.Generator.Default;
            using var saved = generator.get_state();
            generator.manual_seed(s);
            try
            {
                return build();
            }
            finally
            {
                generator.set_state(saved);
            }
        }
    }

    /// <summary>Serialises Gen's uses of TorchSharp's global generators.</summary>
    internal static readonly object GlobalGenerator = new();

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
