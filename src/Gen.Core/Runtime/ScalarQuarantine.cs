using System;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Gen.Runtime;

/// <summary>
/// Keeps TorchSharp's native scalars alive for a while after TorchSharp releases them, so that a garbage collection
/// on another thread cannot free one while libtorch is still reading it.
/// </summary>
/// <remarks>
/// <para>TorchSharp 0.107 turns .NET numbers into native <c>c10::Scalar</c> objects (the <c>1</c> in <c>a + b</c>, the
/// <c>2.0</c> in <c>x * 2.0</c>), passes their handles to libtorch and keeps no reference to the managed wrapper
/// during the call. When another thread triggers a collection meanwhile, the finalizer thread frees the scalar through
/// <c>THSTorch_dispose_scalar</c> while libtorch reads it: "Unknown scalar type", "Expected false to be true" from
/// <c>Scalar::toDouble</c>, or a wrong number. Blocking collections do not prevent it, because a thread inside a native
/// call does not hold a collection up. Measured on a 2-core machine: one thread adding and scaling tensors beside one
/// thread allocating garbage failed 1 to 2 times in 700,000 calls (about 55,000 collections); with only one thread it
/// never did.</para>
/// <para>Gen redirects <c>THSTorch_dispose_scalar</c> in the loaded library to <see cref="Release"/>, which queues the
/// handle and frees it (with the same <c>operator delete</c> the original calls) once it has waited
/// <see cref="Delay"/>: libtorch reads a scalar as an operation starts, microseconds after TorchSharp passed it, so a
/// scalar that is still in use a second after its wrapper died would need a thread stalled for that second inside
/// one call's first instructions. The redirect is made only on x64 Linux and only when the function's first bytes are
/// the ones this TorchSharp build has (so another build is left alone); <see cref="IsActive"/> says whether it is in
/// place, and <c>GEN_SCALAR_QUARANTINE=0</c> turns it off.</para>
/// </remarks>
internal static unsafe class ScalarQuarantine
{
    /// <summary>The environment variable that turns the redirect off when set to 0 (to measure without it, or where code pages must not be written).</summary>
    public const string SwitchVariable = "GEN_SCALAR_QUARANTINE";

    /// <summary>How long a released scalar is kept before it is freed.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    // The first 12 bytes of THSTorch_dispose_scalar in TorchSharp 0.107's libLibTorchSharp.so (x64): test rdi, rdi;
    // je; mov eax, [rdi]; add eax, -5; cmp eax, 2. The redirect overwrites exactly these.
    private static readonly byte[] ExpectedPrologue = { 0x48, 0x85, 0xFF, 0x74, 0x2D, 0x8B, 0x07, 0x83, 0xC0, 0xFB, 0x83, 0xF8 };

    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;

    // c10::Scalar is 32 bytes: a tag, then the value at offset 16; tags 5 to 7 (symbolic numbers) hold a reference-counted node there.
    private const int ScalarSize = 32;

    private static readonly ConcurrentQueue<(IntPtr Scalar, long Due)> Queue = new();
    private static readonly object Gate = new();
    private static readonly object FreeGate = new();
    private static delegate* unmanaged<IntPtr, nuint, void> delete;
    private static long freed;
    private static long leaked;
    private static string? state;

    /// <summary>Whether the redirect is in place.</summary>
    public static bool IsActive { get; private set; }

    /// <summary>Why the redirect is not in place (null when it is, or before <see cref="Install"/> ran).</summary>
    public static string? WhyNot => state;

    /// <summary>Scalars waiting to be freed.</summary>
    public static int Waiting => Queue.Count;

    /// <summary>Scalars freed so far.</summary>
    public static long Freed => Interlocked.Read(ref freed);

    /// <summary>Symbolic scalars seen (TorchSharp makes none), kept rather than freed: freeing them needs libtorch's reference counting.</summary>
    public static long Leaked => Interlocked.Read(ref leaked);

    /// <summary>
    /// Redirects <c>THSTorch_dispose_scalar</c> of the loaded <c>libLibTorchSharp.so</c> to <see cref="Release"/>, once.
    /// Call it after the library is loaded and before TorchSharp makes scalars (Gen does, when it loads TorchSharp).
    /// </summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (IsActive || state is not null)
            {
                return;
            }

            state = TryInstall();
            IsActive = state is null;
        }
    }

    // Null when the redirect is in place, else why not.
    private static string? TryInstall()
    {
        if (Environment.GetEnvironmentVariable(SwitchVariable) == "0")
        {
            return $"{SwitchVariable}=0 turned it off";
        }

        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return "the redirect is made on x64 Linux only";
        }

        var glue = DynamicLoader.TryGetLoaded("libLibTorchSharp.so");
        if (glue == IntPtr.Zero || !NativeLibrary.TryGetExport(glue, "THSTorch_dispose_scalar", out var function))
        {
            return "libLibTorchSharp.so is not loaded, or has no THSTorch_dispose_scalar";
        }

        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var cxx) || !NativeLibrary.TryGetExport(cxx, "_ZdlPvm", out var sizedDelete))
        {
            return "libstdc++'s operator delete(void*, size_t) was not found";
        }

        var code = new Span<byte>((void*)function, ExpectedPrologue.Length);
        if (!code.SequenceEqual(ExpectedPrologue))
        {
            return "THSTorch_dispose_scalar is not the function of the TorchSharp build Gen knows; it is left alone";
        }

        delete = (delegate* unmanaged<IntPtr, nuint, void>)sizedDelete;

        // movabs rax, Release; jmp rax: the P/Invoke's call lands in Release with the scalar in rdi and returns to it.
        var jump = new byte[12];
        jump[0] = 0x48;
        jump[1] = 0xB8;
        BitConverter.TryWriteBytes(jump.AsSpan(2, 8), (long)(delegate* unmanaged<IntPtr, void>)&Release);
        jump[10] = 0xFF;
        jump[11] = 0xE0;

        long page = Environment.SystemPageSize;
        long start = (long)function & ~(page - 1);
        long end = (long)function + jump.Length;
        var length = (nuint)(end - start);
        // Readable and executable throughout: other functions on the page may run while it is written.
        if (Mprotect((IntPtr)start, length, ProtRead | ProtWrite | ProtExec) != 0)
        {
            return $"the code page could not be made writable (errno {Marshal.GetLastPInvokeError()})";
        }

        jump.CopyTo(code);
        Mprotect((IntPtr)start, length, ProtRead | ProtExec);
        return null;
    }

    /// <summary>Where TorchSharp's releases of scalars arrive: the scalar is queued, and those due are freed.</summary>
    [UnmanagedCallersOnly]
    private static void Release(IntPtr scalar)
    {
        long now = Environment.TickCount64;
        if (scalar != IntPtr.Zero)
        {
            Queue.Enqueue((scalar, now + (long)Delay.TotalMilliseconds));
        }

        FreeDue(now);
    }

    /// <summary>Frees the queued scalars whose wait ended by <paramref name="now"/> (milliseconds of <see cref="Environment.TickCount64"/>).</summary>
    internal static void FreeDue(long now)
    {
        // One thread frees at a time: between another thread's look at the head and its dequeue, a second one could take
        // that head, and the first would then dequeue (and free) the next scalar, which may not be due. A thread that
        // finds the freeing taken leaves it to the one freeing.
        if (!Monitor.TryEnter(FreeGate))
        {
            return;
        }

        try
        {
            while (Queue.TryPeek(out var head) && head.Due <= now && Queue.TryDequeue(out var item))
            {
                Free(item.Scalar);
            }
        }
        finally
        {
            Monitor.Exit(FreeGate);
        }
    }

    private static void Free(IntPtr scalar)
    {
        uint tag = (uint)Unsafe.Read<int>((void*)scalar);
        if (tag - 5 <= 2 && Unsafe.Read<IntPtr>((byte*)scalar + 16) != IntPtr.Zero)
        {
            Interlocked.Increment(ref leaked);
            return;
        }

        delete(scalar, ScalarSize);
        Interlocked.Increment(ref freed);
    }

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(IntPtr address, nuint length, int protection);
}
