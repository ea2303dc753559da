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

    /// <summary>
    /// Runs <paramref name="warmup"/> untimed steps, then <paramref name="rounds"/> rounds of
    /// <paramref name="stepsPerRound"/> steps; returns each round's mean seconds per step.
    /// </summary>
    public static double[] Rounds(Action step, torch.Device device, int warmup, int rounds, int stepsPerRound)
    {
        for (int i = 0; i < warmup; i++)
        {
            step();
        }

        Drain(device);
        var result = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < stepsPerRound; i++)
            {
                step();
            }

            Drain(device);
            result[r] = clock.Elapsed.TotalSeconds / stepsPerRound;
        }

        return result;
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
