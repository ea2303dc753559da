using System;
using System.Runtime.InteropServices;
using Xunit;

namespace Gen.Dsl.Tests;

/// <summary>
/// Tests that bound how much work refusing hostile input takes (under a second) run alone, after the parallel ones.
/// They bound the refusing thread's CPU time, not the wall clock: on a machine of two shared cores (other test
/// projects, or two <c>yes &gt; /dev/null</c> beside the suite) a refusal that takes 50 ms of work can take over a second
/// to finish, and a wall-clock bound would then time the machine, not the code.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedRefusals
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Timed refusals";

    /// <summary>The CPU time the calling thread spends in <paramref name="work"/> (its wall time on other systems).</summary>
    public static TimeSpan CpuTime(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var start = ThreadCpu();
        try
        {
            work();
        }
        finally
        {
            last = ThreadCpu() - start;
        }

        return last;
    }

    /// <summary>The CPU time of the last <see cref="CpuTime"/> call on this thread, also when its work threw.</summary>
    public static TimeSpan Last => last;

    [ThreadStatic]
    private static TimeSpan last;

    private static TimeSpan ThreadCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.FromTicks(System.Diagnostics.Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency);
        }

        Assert.Equal(0, ClockGetTime(ThreadCpuClock, out var ts));
        return TimeSpan.FromTicks((ts.Seconds * TimeSpan.TicksPerSecond) + (ts.Nanoseconds / 100));
    }

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
