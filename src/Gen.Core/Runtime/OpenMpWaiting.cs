using System;
using System.Runtime.InteropServices;

namespace Gen.Runtime;

/// <summary>
/// How long libtorch's OpenMP threads spin before they sleep. libgomp, which libtorch's Linux build ships, spins for
/// about 300,000 iterations at the end of each parallel region when OMP_WAIT_POLICY is unset. On a machine whose other
/// cores are busy (users' machines are), a thread spinning for a partner that the scheduler has set aside holds its
/// core for a whole time slice: a small GAN's training step took 270 ms instead of 2 ms on two cores beside one busy
/// process, and the whole run five times as long as with one thread. With a spin of 3,000 iterations the same run is as
/// fast as with one thread, and on an idle machine the speed report's training steps are unchanged within their noise.
/// </summary>
/// <remarks>
/// libgomp reads its settings once, when it is loaded, so this runs in Gen.Core's module initializer, before Gen loads
/// libtorch. A process that loads libtorch before touching Gen keeps libgomp's default, and a user's own
/// <c>GOMP_SPINCOUNT</c> or <c>OMP_WAIT_POLICY</c> is always kept.
/// </remarks>
internal static class OpenMpWaiting
{
    /// <summary>The spin count Gen sets.</summary>
    public const string SpinCount = "3000";

    /// <summary>Sets <c>GOMP_SPINCOUNT</c> in the process environment when neither it nor <c>OMP_WAIT_POLICY</c> is set; returns whether it did.</summary>
    public static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null)
        {
            return false;
        }

        // The native environment, which libgomp reads: .NET's Environment.SetEnvironmentVariable does not reach it on Unix.
        return SetEnv("GOMP_SPINCOUNT", SpinCount, 0) == 0;
    }

    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPStr)] string name, [MarshalAs(UnmanagedType.LPStr)] string value, int overwrite);
}
