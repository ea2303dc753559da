using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Splits a training step into forward, backward and optimizer phases (draining the device after each), for Gen
/// and the hand-written baseline, step by step in alternation so that other load on the machine falls on both
/// alike: where the time of a case goes, rather than only how much there is.
/// </summary>
internal static class Breakdown
{
    private static readonly string[] PhaseNames = { "forward", "backward", "update + zero-grad" };

    public static int Run(SpeedCase c, torch.Device device, int steps)
    {
        Console.WriteLine($"{c.Name}: {c.Description}");
        using var gen = c.Gen(device, 1);
        using var hand = c.HandWritten?.Invoke(device, 1);
        var genPhases = new List<double[]>();
        var handPhases = new List<double[]>();
        for (int i = 0; i < steps + 3; i++)
        {
            // The first three steps of each are warm-up; the order alternates.
            if (hand != null && i % 2 == 1)
            {
                Keep(handPhases, hand.Phases(device), i);
            }

            Keep(genPhases, gen.Phases(device), i);
            if (hand != null && i % 2 == 0)
            {
                Keep(handPhases, hand.Phases(device), i);
            }
        }

        Report("gen", genPhases);
        if (hand != null)
        {
            Report("hand", handPhases);
        }

        return 0;
    }

    private static void Keep(List<double[]> into, double[] phases, int step)
    {
        if (step >= 3)
        {
            into.Add(phases);
        }
    }

    private static void Report(string label, List<double[]> phases)
    {
        var parts = PhaseNames.Select((name, p) => $"{name} {1e3 * Timing.Median(phases.Select(x => x[p]).ToArray()):F3} ms");
        Console.WriteLine($"  {label}: {string.Join(", ", parts)} (medians of {phases.Count} steps)");
    }
}
