using System;
using System.Threading;

namespace Gen.Core.Tests.Runtime;

/// <summary>
/// Runs a body over and over beside a thread that allocates garbage, so that collections happen while the body's thread
/// is inside native calls (as parallel tests, data loaders or a server's other requests make them happen).
/// </summary>
internal static class GarbageThread
{
    /// <summary>Calls <paramref name="body"/> until <paramref name="duration"/> has passed, beside the allocating thread; returns how many calls ran.</summary>
    public static long RunBeside(TimeSpan duration, Action body)
    {
        using var stop = new CancellationTokenSource(duration);
        var allocator = new Thread(() =>
        {
            var keep = new object[64];
            int k = 0;
            while (!stop.IsCancellationRequested)
            {
                keep[k++ & 63] = new byte[2000];
            }
        });
        allocator.Start();
        long calls = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                body();
                calls++;
            }
        }
        finally
        {
            stop.Cancel();
            allocator.Join();
        }

        return calls;
    }
}
