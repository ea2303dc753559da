using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gen.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gen.Core.Tests.Runtime;

/// <summary>
/// Tensors that the finalizer releases outlive their release by <see cref="TensorQuarantine.Delay"/>, so a collection
/// during a native call cannot free a dead temporary libtorch is reading; tensors disposed explicitly are freed at once.
/// </summary>
[Collection("Process-wide memory measurements")]
public sealed class TensorQuarantineTests
{
    // The owners of a tensor's TensorImpl: the low 32 bits of the combined reference count that libtorch 2.10 keeps
    // after the vtable pointer (the count THSTensor_dispose's reset_not_null_ decrements).
    private static uint Owners(Tensor tensor) => (uint)Marshal.ReadInt64(Marshal.ReadIntPtr(tensor.Handle), 8);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropAnAlias(Tensor tensor) => _ = tensor.alias();

    [Fact]
    public void An_explicitly_disposed_tensor_is_released_at_once()
    {
        GenRuntime.EnsureLoaded();
        Assert.True(TensorQuarantine.IsActive, TensorQuarantine.WhyNot);
        using var a = zeros(4);
        Assert.Equal(1u, Owners(a));
        var b = a.alias(); // a second at::Tensor of the same TensorImpl
        Assert.Equal(2u, Owners(a));
        b.Dispose();
        Assert.Equal(1u, Owners(a));
        Assert.Equal(0f, a.sum().item<float>());
    }

    [Fact]
    public void A_tensor_the_finalizer_releases_is_kept_until_its_wait_is_over_and_is_then_freed()
    {
        GenRuntime.EnsureLoaded();
        Assert.True(TensorQuarantine.IsActive, TensorQuarantine.WhyNot);
        using var a = ones(4);
        long start = Environment.TickCount64;
        DropAnAlias(a);
        GC.Collect();
        GC.WaitForPendingFinalizers(); // the alias's wrapper is finalised: THSTensor_dispose on the finalizer thread
        uint owners = Owners(a);
        if (Environment.TickCount64 - start < (long)TensorQuarantine.Delay.TotalMilliseconds)
        {
            Assert.Equal(2u, owners); // released, not yet freed
        }

        TensorQuarantine.FreeDue(Environment.TickCount64 + (long)TensorQuarantine.Delay.TotalMilliseconds + 1);
        Assert.Equal(1u, Owners(a));
        Assert.Equal(4f, a.sum().item<float>());
    }

    [Fact]
    public void Temporaries_outside_any_scope_beside_a_thread_that_collects_garbage_stay_intact_while_read()
    {
        // Without the quarantine (GEN_TENSOR_QUARANTINE=0), 2 of 3 Release runs of this test failed on the 2-core EPYC
        // VM: one test host died of a segmentation fault, another read a wrong sum; the finalizer had freed a temporary
        // while log or sum read it. With it, 5 of 5 passed.
        GenRuntime.EnsureLoaded();
        using var x = randn(131_072, generator: new Generator(7));
        float expected = (x.abs() + 1).log().sum().item<float>();
        long calls = GarbageThread.RunBeside(TimeSpan.FromSeconds(3), () =>
        {
            float got = Sum(x); // temporaries outside any scope, left to the finalizer
            Assert.InRange(got, expected - 1e-4f * Math.Abs(expected), expected + 1e-4f * Math.Abs(expected));
        });

        Assert.True(calls > 10, $"only {calls} calls ran");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // optimised from the first call, as after tiering: the JIT then ends the temporaries' lives mid-call
    private static float Sum(Tensor x) => (x.abs() + 1).log().sum().item<float>();
}
