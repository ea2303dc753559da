using System;
using System.Runtime.InteropServices;
using Gen.Runtime;
using Xunit;

namespace Gen.Core.Tests.Runtime;

/// <summary>Gen shortens libgomp's spin before libtorch loads, and keeps a user's own setting.</summary>
public sealed class OpenMpWaitingTests
{
    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnv([MarshalAs(UnmanagedType.LPStr)] string name);

    private static string? Native(string name) => GetEnv(name) is var p && p == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(p);

    [Fact]
    public void The_native_environment_holds_the_short_spin_unless_the_user_chose_one()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        GenRuntime.EnsureLoaded();
        var chosen = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        if (chosen is not null)
        {
            Assert.Equal(chosen, Native("GOMP_SPINCOUNT"));
        }
        else if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
        {
            Assert.Equal(OpenMpWaiting.SpinCount, Native("GOMP_SPINCOUNT"));
        }

        // Applying again changes nothing: the variable is set now (in the native environment only, which is what
        // libgomp reads), so a second call must not overwrite it.
        OpenMpWaiting.Apply();
        Assert.Equal(chosen ?? (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null ? OpenMpWaiting.SpinCount : null), Native("GOMP_SPINCOUNT"));
    }
}
