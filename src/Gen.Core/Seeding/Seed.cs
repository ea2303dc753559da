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
    /// <para>With a seed, every draw Gen makes during the build comes from a generator of the build's own
    /// (<see cref="BuildGenerator"/>, seeded from <paramref name="seed"/>): the layers Gen builds are initialised through
    /// <see cref="LayerInitialization"/>, and <see cref="DeviceRandom"/> draws with it when given no generator. Nothing
    /// another thread does can change those weights, not even drawing from TorchSharp's global generator directly (which
    /// xunit tests and users' own loops do, beside a compile on another thread).</para>
    /// <para>TorchSharp's layer constructors still draw from the global generator before Gen redraws their weights, and
    /// a user's own module built inside the build may draw from it too; so the global generator is also seeded for the
    /// build, under a process-wide lock that Gen's other uses of it take, and its state is put back afterwards: a seed
    /// fixes what is built and nothing after it. Only such draws of a user's own are open to another thread drawing from
    /// the global generator directly at the same time; a user's module is safe from that when it draws its initial
    /// weights with <see cref="BuildGenerator"/> or wraps its layers in <see cref="LayerInitialization"/>.</para>
    /// <para>Without a seed the build runs as it is, drawing from the generators' current state.</para>
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
            var outer = building;
            using var own = new torch.Generator(BuildSeed(s), torch.CPU);
            building = own;
            try
            {
                return build();
            }
            finally
            {
                building = outer;
                generator.set_state(saved);
            }
        }
    }

    /// <summary>
    /// The generator of the seeded <see cref="Building{T}"/> running on this thread, or null outside one (and inside an
    /// unseeded one). Draw a module's initial weights with it (on the CPU; <see cref="DeviceRandom"/> takes it for any
    /// device) to make them depend on the seed alone.
    /// </summary>
    public static torch.Generator? BuildGenerator => building;

    // The build's own stream, distinct from the global generator's stream for the same seed (which the layers'
    // constructors and a user's own draws consume): SplitMix64's finaliser of the seed.
    private static ulong BuildSeed(long seed)
    {
        ulong z = unchecked((ulong)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    [ThreadStatic]
    private static torch.Generator? building;

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
