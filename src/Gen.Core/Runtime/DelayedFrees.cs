using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Gen.Runtime;

/// <summary>
/// Native objects whose freeing is put off: each one added waits <see cref="Delay"/>, then a given function frees it.
/// Those due are freed as later ones are added, and by a timer once the last one's wait is over, so none waits for
/// ever when the releases stop.
/// </summary>
internal sealed unsafe class DelayedFrees
{
    private readonly ConcurrentQueue<(IntPtr Handle, long Due)> queue = new();
    private readonly object freeGate = new();
    private readonly delegate*<IntPtr, void> free;
    private readonly long delayMilliseconds;
    private readonly Timer sweeper;
    private int sweepArmed;
    private long freed;

    /// <summary>Creates an empty queue whose objects wait <paramref name="delay"/> and are then passed to <paramref name="free"/>.</summary>
    public DelayedFrees(TimeSpan delay, delegate*<IntPtr, void> free)
    {
        Delay = delay;
        delayMilliseconds = (long)delay.TotalMilliseconds;
        this.free = free;
        sweeper = new Timer(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>How long an object waits before it is freed.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Objects waiting.</summary>
    public int Waiting => queue.Count;

    /// <summary>Objects freed so far.</summary>
    public long Freed => Interlocked.Read(ref freed);

    /// <summary>Queues <paramref name="handle"/> (zero is ignored) and frees those due.</summary>
    public void Add(IntPtr handle)
    {
        long now = Environment.TickCount64;
        if (handle != IntPtr.Zero)
        {
            queue.Enqueue((handle, now + delayMilliseconds));
        }

        FreeDue(now);
        if (!queue.IsEmpty && Interlocked.Exchange(ref sweepArmed, 1) == 0)
        {
            sweeper.Change(delayMilliseconds + 50, Timeout.Infinite);
        }
    }

    /// <summary>Frees the objects whose wait ended by <paramref name="now"/> (milliseconds of <see cref="Environment.TickCount64"/>).</summary>
    public void FreeDue(long now)
    {
        // One thread frees at a time: between another thread's look at the head and its dequeue, a second one could take
        // that head, and the first would then dequeue (and free) the next object, which may not be due. A thread that
        // finds the freeing taken leaves it to the one freeing.
        if (!Monitor.TryEnter(freeGate))
        {
            return;
        }

        try
        {
            while (queue.TryPeek(out var head) && head.Due <= now && queue.TryDequeue(out var item))
            {
                free(item.Handle);
                Interlocked.Increment(ref freed);
            }
        }
        finally
        {
            Monitor.Exit(freeGate);
        }
    }

    private void Sweep()
    {
        // Disarmed before the sweep: an object added meanwhile either re-arms the timer itself or is seen below.
        Volatile.Write(ref sweepArmed, 0);
        FreeDue(Environment.TickCount64);
        if (!queue.IsEmpty && Interlocked.Exchange(ref sweepArmed, 1) == 0)
        {
            sweeper.Change(delayMilliseconds + 50, Timeout.Infinite);
        }
    }
}
