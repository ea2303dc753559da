using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using TorchSharp;

namespace Gen.Bench;

/// <summary>Per-step wall-clock times measured in rounds, with the device drained before each clock read.</summary>
internal static class Timing
{
    /// <summary>Waits until every queued kernel on the device has finished (a no-op on the CPU).</summary>
    public static void Drain(torch.Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps and returns the mean seconds per step, the device drained at the end.</summary>
    public static double Round(Action step, torch.Device device, int steps)
    {
        Drain(device);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            step();
        }

        Drain(device);
        return clock.Elapsed.TotalSeconds / steps;
    }

    /// <summary>
    /// Runs untimed steps: at least <paramref name="count"/>, and for at least <paramref name="seconds"/>. A step
    /// count alone is not enough: .NET first runs each method as quickly compiled code and replaces it with
    /// optimised code only after it has been called often and a short delay has passed, so a process whose steps
    /// take 10 ms would time its first second of steps before Gen's own code (and TorchSharp's) is optimised.
    /// Timing by seconds puts the measured rounds where a long training run spends its time.
    /// </summary>
    public static void Warm(Action step, torch.Device device, int count, double seconds = 0)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count || clock.Elapsed.TotalSeconds < seconds; i++)
        {
            step();
            if (seconds > 0 && i % 8 == 7)
            {
                Drain(device); // so that queued device work counts towards the seconds
            }
        }

        Drain(device);
    }

    /// <summary>How many steps make a round of about <paramref name="seconds"/>, from one timed step (at least one).</summary>
    public static int StepsFor(Action step, torch.Device device, double seconds)
    {
        double one = Round(step, device, 1);
        return (int)Math.Clamp(Math.Ceiling(seconds / Math.Max(one, 1e-6)), 1, 10_000);
    }

    /// <summary>The median of a non-empty sample.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("The median of nothing is undefined.", nameof(values));
        }

        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
