using System;
using System.Diagnostics;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Splits a training step into forward, backward and optimizer phases (draining the device after each), for Gen
/// and the hand-written baseline: where the time of a case goes, rather than only how much there is.
/// </summary>
internal static class Breakdown
{
    public static int Run(SpeedCase c, torch.Device device, int steps)
    {
        Console.WriteLine($"{c.Name}: {c.Description}");
        using var gen = c.Gen(device, 1);
        Report("gen", gen, device, steps);
        if (c.HandWritten != null)
        {
            using var hand = c.HandWritten(device, 1);
            Report("hand", hand, device, steps);
        }

        return 0;
    }

    private static void Report(string label, TrainStep step, torch.Device device, int steps)
    {
        var phases = new double[3];
        for (int i = 0; i < steps + 5; i++)
        {
            var t = step.Phases(device);
            if (i >= 5)
            {
                for (int p = 0; p < 3; p++)
                {
                    phases[p] += t[p];
                }
            }
        }

        Console.WriteLine($"  {label}: forward {1e3 * phases[0] / steps:F3} ms, backward {1e3 * phases[1] / steps:F3} ms, update + zero-grad {1e3 * phases[2] / steps:F3} ms");
    }
}
