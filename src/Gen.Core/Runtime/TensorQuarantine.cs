using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gen.Runtime;

/// <summary>
/// Keeps the tensors that the garbage collector's finalizer releases alive for a while, so that a tensor whose managed
/// wrapper died while libtorch was still reading it is not freed under libtorch.
/// </summary>
/// <remarks>
/// <para>TorchSharp 0.107 passes a tensor's handle to libtorch and keeps no reference to the wrapper during the call,
/// as it does scalars (see <see cref="ScalarQuarantine"/>). In <c>(x.abs() + 1).log()</c> nothing refers to the
/// temporary <c>x.abs() + 1</c> once its handle is read, so the JIT of a Release build lets it die as <c>log</c>
/// starts; a collection that another thread triggers meanwhile finalises it, and the finalizer frees its storage while
/// <c>log</c> reads it. Measured on a 2-core machine: that expression in a loop on a million numbers, beside one
/// thread allocating garbage, killed the process (segmentation fault) within 3 to 4 seconds in 3 runs of 3.</para>
/// <para>Only releases from the finalizer thread can come too early: a tensor disposed explicitly (or by a dispose
/// scope) is one the program says it is done with, and a wrapper that is still referenced is not finalised. So Gen
/// redirects <c>THSTensor_dispose</c> in the loaded library to a few instructions of its own: on the finalizer thread
/// they hand the tensor to <see cref="Release"/>, which frees it once it has waited <see cref="Delay"/>; on any other
/// thread they run the original function's own steps at once, without entering .NET. A tensor released by the
/// finalizer is thus still intact for <see cref="Delay"/> after the collection that found its wrapper dead: a native
/// call that goes on reading a dead temporary for longer than that after the collection is still unsafe, which is
/// why tensor work outside dispose scopes is still best avoided.</para>
/// <para>The redirect is made only on x64 Linux and only when the whole function is, byte for byte, the one of this
/// TorchSharp build (the original's steps are rebuilt from those bytes); <see cref="IsActive"/> says whether it is in
/// place, and <c>GEN_TENSOR_QUARANTINE=0</c> turns it off.</para>
/// </remarks>
internal static unsafe class TensorQuarantine
{
    /// <summary>The environment variable that turns the redirect off when set to 0.</summary>
    public const string SwitchVariable = "GEN_TENSOR_QUARANTINE";

    /// <summary>How long a tensor released by the finalizer is kept before it is freed.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    // THSTensor_dispose in TorchSharp 0.107's libLibTorchSharp.so (x64), `delete tensor` for an at::Tensor*:
    //   0x00 test rdi, rdi; je 0x2b
    //   0x05 mov rax, [rdi]                             (the TensorImpl)
    //   0x08 cmp rax, [rip + d32 @0x0b]                 (next 0x0f: the GOT slot of UndefinedTensorImpl's singleton)
    //   0x0f je 0x21
    //   0x11 push rbx; mov rbx, rdi; mov rdi, rax
    //   0x18 call r32 @0x19                             (next 0x1d: intrusive_ptr<TensorImpl>::reset_not_null_)
    //   0x1d mov rdi, rbx; pop rbx
    //   0x21 mov esi, 8; jmp r32 @0x27                  (next 0x2b: operator delete(void*, size_t) through the PLT)
    //   0x2b ret
    private static readonly byte[] ExpectedFunction =
    {
        0x48, 0x85, 0xFF, 0x74, 0x26, 0x48, 0x8B, 0x07, 0x48, 0x3B, 0x05, 0xF9, 0x50, 0x0C, 0x00, 0x74,
        0x10, 0x53, 0x48, 0x89, 0xFB, 0x48, 0x89, 0xC7, 0xE8, 0x13, 0x65, 0xF4, 0xFF, 0x48, 0x89, 0xDF,
        0x5B, 0xBE, 0x08, 0x00, 0x00, 0x00, 0xE9, 0xF5, 0xF5, 0xF3, 0xFF, 0xC3,
    };

    private static readonly RedirectState Redirect = new();
    private static readonly DelayedFrees Queue = new(Delay, &Free);
    private static delegate* unmanaged<IntPtr, void> original;
    private static delegate* unmanaged[SuppressGCTransition]<IntPtr> currentThread;
    private static IntPtr finalizerThread;

    /// <summary>Whether the redirect is in place.</summary>
    public static bool IsActive => Redirect.IsActive;

    /// <summary>Why the redirect is not in place (null when it is, or before <see cref="Install"/> ran).</summary>
    public static string? WhyNot => Redirect.WhyNot;

    /// <summary>Tensors released by the finalizer and waiting to be freed.</summary>
    public static int Waiting => Queue.Waiting;

    /// <summary>Tensors released by the finalizer and freed so far.</summary>
    public static long Freed => Queue.Freed;

    /// <summary>
    /// Redirects <c>THSTensor_dispose</c> of the loaded <c>libLibTorchSharp.so</c>, once. Call it after the library is
    /// loaded (Gen does, when it loads TorchSharp).
    /// </summary>
    public static void Install() => Redirect.Install(TryInstall);

    /// <summary>Frees the queued tensors whose wait ended by <paramref name="now"/> (milliseconds of <see cref="Environment.TickCount64"/>).</summary>
    internal static void FreeDue(long now) => Queue.FreeDue(now);

    // Null when the redirect is in place, else why not.
    private static string? TryInstall()
    {
        var missing = CodePatch.TryFindGlueFunction(SwitchVariable, "THSTensor_dispose", out var function);
        if (missing is not null)
        {
            return missing;
        }

        if (!new ReadOnlySpan<byte>((void*)function, ExpectedFunction.Length).SequenceEqual(ExpectedFunction))
        {
            return "THSTensor_dispose is not the function of the TorchSharp build Gen knows; it is left alone";
        }

        // The addresses the original reaches relative to itself, read from its own instructions.
        long at = (long)function;
        long singletonSlot = at + 0x0F + Unsafe.ReadUnaligned<int>((void*)(at + 0x0B));
        long resetNotNull = at + 0x1D + Unsafe.ReadUnaligned<int>((void*)(at + 0x19));
        long deletePlt = at + 0x2B + Unsafe.ReadUnaligned<int>((void*)(at + 0x27));

        var slot = (IntPtr*)NativeMemory.AllocZeroed((nuint)sizeof(IntPtr));
        var code = Stub(slot, (long)(delegate* unmanaged<IntPtr, void>)&Release, singletonSlot, resetNotNull, deletePlt, out int originalAt, out int threadAt);
        var page = CodePatch.TryPlace(code);
        if (page == IntPtr.Zero)
        {
            return "no executable page could be had for the redirect";
        }

        original = (delegate* unmanaged<IntPtr, void>)(page + originalAt);
        currentThread = (delegate* unmanaged[SuppressGCTransition]<IntPtr>)(page + threadAt);

        // The finalizer thread names itself by running a probe's finalizer; until it has, no thread is taken for it.
        MakeProbe();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (finalizerThread == IntPtr.Zero)
        {
            return "the finalizer thread could not be identified";
        }

        *slot = finalizerThread;
        var why = CodePatch.TryRedirect(function, ExpectedFunction, page);
        return why is null ? null : "THSTensor_dispose: " + why;
    }

    // The redirect's code: at 0, the check of the thread (fs:[0] is the thread's own control block on x64 Linux, one
    // per thread); then the original's steps with absolute addresses; then a function that returns the thread's fs:[0].
    private static byte[] Stub(IntPtr* finalizerSlot, long release, long singletonSlot, long resetNotNull, long deletePlt, out int originalAt, out int threadAt)
    {
        var code = new System.Collections.Generic.List<byte>(128);
        void Bytes(params byte[] b) => code.AddRange(b);
        void Address(long value) => code.AddRange(BitConverter.GetBytes(value));

        Bytes(0x64, 0x48, 0x8B, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00); // mov rax, fs:[0]
        Bytes(0x49, 0xBB); Address((long)finalizerSlot);               // movabs r11, finalizer slot
        Bytes(0x49, 0x3B, 0x03);                                       // cmp rax, [r11]
        Bytes(0x75, 0x0C);                                             // jne original
        Bytes(0x48, 0xB8); Address(release);                           // movabs rax, Release
        Bytes(0xFF, 0xE0);                                             // jmp rax

        originalAt = code.Count;
        Bytes(0x48, 0x85, 0xFF);                                       // test rdi, rdi
        Bytes(0x74, 0x3C);                                             // je done
        Bytes(0x48, 0x8B, 0x07);                                       // mov rax, [rdi]
        Bytes(0x49, 0xBB); Address(singletonSlot);                     // movabs r11, singleton's GOT slot
        Bytes(0x49, 0x3B, 0x03);                                       // cmp rax, [r11]
        Bytes(0x74, 0x18);                                             // je delete
        Bytes(0x53);                                                   // push rbx
        Bytes(0x48, 0x89, 0xFB);                                       // mov rbx, rdi
        Bytes(0x48, 0x89, 0xC7);                                       // mov rdi, rax
        Bytes(0x49, 0xBB); Address(resetNotNull);                      // movabs r11, reset_not_null_
        Bytes(0x41, 0xFF, 0xD3);                                       // call r11
        Bytes(0x48, 0x89, 0xDF);                                       // mov rdi, rbx
        Bytes(0x5B);                                                   // pop rbx
        Bytes(0xBE, 0x08, 0x00, 0x00, 0x00);                           // delete: mov esi, 8
        Bytes(0x49, 0xBB); Address(deletePlt);                         // movabs r11, operator delete's PLT entry
        Bytes(0x41, 0xFF, 0xE3);                                       // jmp r11
        Bytes(0xC3);                                                   // done: ret

        threadAt = code.Count;
        Bytes(0x64, 0x48, 0x8B, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00); // mov rax, fs:[0]
        Bytes(0xC3);                                                   // ret
        return code.ToArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MakeProbe() => _ = new FinalizerProbe();

    /// <summary>Where the finalizer thread's releases of tensors arrive: the tensor is queued, and those due are freed.</summary>
    [UnmanagedCallersOnly]
    private static void Release(IntPtr tensor) => Queue.Add(tensor);

    private static void Free(IntPtr tensor) => original(tensor);

    private sealed class FinalizerProbe
    {
        ~FinalizerProbe() => finalizerThread = currentThread();
    }
}
