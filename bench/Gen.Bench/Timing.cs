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

    /// <summary>Runs <paramref name="count"/> untimed steps.</summary>
    public static void Warm(Action step, torch.Device device, int count)
    {
        for (int i = 0; i < count; i++)
        {
            step();
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
