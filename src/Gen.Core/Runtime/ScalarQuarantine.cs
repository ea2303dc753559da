using System;
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

    // c10::Scalar is 32 bytes: a tag, then the value at offset 16; tags 5 to 7 (symbolic numbers) hold a reference-counted node there.
    private const int ScalarSize = 32;

    private static readonly RedirectState Redirect = new();
    private static readonly DelayedFrees Queue = new(Delay, &Free);
    private static delegate* unmanaged<IntPtr, nuint, void> delete;
    private static long leaked;

    /// <summary>Whether the redirect is in place.</summary>
    public static bool IsActive => Redirect.IsActive;

    /// <summary>Why the redirect is not in place (null when it is, or before <see cref="Install"/> ran).</summary>
    public static string? WhyNot => Redirect.WhyNot;

    /// <summary>Scalars waiting to be freed.</summary>
    public static int Waiting => Queue.Waiting;

    /// <summary>Scalars freed so far.</summary>
    public static long Freed => Queue.Freed - Leaked;

    /// <summary>Symbolic scalars seen (TorchSharp makes none), kept rather than freed: freeing them needs libtorch's reference counting.</summary>
    public static long Leaked => Interlocked.Read(ref leaked);

    /// <summary>
    /// Redirects <c>THSTorch_dispose_scalar</c> of the loaded <c>libLibTorchSharp.so</c> to <see cref="Release"/>, once.
    /// Call it after the library is loaded and before TorchSharp makes scalars (Gen does, when it loads TorchSharp).
    /// </summary>
    public static void Install() => Redirect.Install(TryInstall);

    // Null when the redirect is in place, else why not.
    private static string? TryInstall()
    {
        var missing = CodePatch.TryFindGlueFunction(SwitchVariable, "THSTorch_dispose_scalar", out var function);
        if (missing is not null)
        {
            return missing;
        }

        if (!NativeLibrary.TryLoad("libstdc++.so.6", out var cxx) || !NativeLibrary.TryGetExport(cxx, "_ZdlPvm", out var sizedDelete))
        {
            return "libstdc++'s operator delete(void*, size_t) was not found";
        }

        delete = (delegate* unmanaged<IntPtr, nuint, void>)sizedDelete;

        // The P/Invoke's call lands in Release with the scalar in rdi and returns to TorchSharp from there.
        var why = CodePatch.TryRedirect(function, ExpectedPrologue, (IntPtr)(delegate* unmanaged<IntPtr, void>)&Release);
        return why is null ? null : "THSTorch_dispose_scalar: " + why;
    }

    /// <summary>Where TorchSharp's releases of scalars arrive: the scalar is queued, and those due are freed.</summary>
    [UnmanagedCallersOnly]
    private static void Release(IntPtr scalar) => Queue.Add(scalar);

    /// <summary>Frees the queued scalars whose wait ended by <paramref name="now"/> (milliseconds of <see cref="Environment.TickCount64"/>).</summary>
    internal static void FreeDue(long now) => Queue.FreeDue(now);

    private static void Free(IntPtr scalar)
    {
        uint tag = (uint)Unsafe.Read<int>((void*)scalar);
        if (tag - 5 <= 2 && Unsafe.Read<IntPtr>((byte*)scalar + 16) != IntPtr.Zero)
        {
            Interlocked.Increment(ref leaked);
            return;
        }

        delete(scalar, ScalarSize);
    }
}
