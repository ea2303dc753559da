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
    /// <summary>The phases, in order.</summary>
    public static readonly IReadOnlyList<string> PhaseNames = new[] { "forward", "backward", "update + zero-grad" };

    /// <summary>Median seconds of each phase.</summary>
    /// <param name="Case">The case.</param>
    /// <param name="Gen">Gen's medians, one per phase.</param>
    /// <param name="Hand">The baseline's, or null.</param>
    /// <param name="Steps">Timed steps of each.</param>
    public sealed record Result(SpeedCase Case, double[] Gen, double[]? Hand, int Steps)
    {
        /// <summary>The result as a JSON object.</summary>
        public Dictionary<string, object?> ToJson()
        {
            var row = new Dictionary<string, object?> { ["name"] = Case.Name, ["steps"] = Steps };
            for (int p = 0; p < PhaseNames.Count; p++)
            {
                string key = PhaseNames[p].Replace(" + ", "_").Replace("-", "_");
                row[$"gen_{key}_ms"] = 1e3 * Gen[p];
                if (Hand != null)
                {
                    row[$"hand_{key}_ms"] = 1e3 * Hand[p];
                }
            }

            return row;
        }
    }

    /// <summary>
    /// Times <paramref name="steps"/> steps of each after <paramref name="warmup"/> untimed ones and at least
    /// <paramref name="warmupSeconds"/> of untimed steps (see <see cref="Timing.Warm"/>), printing the medians.
    /// </summary>
    public static Result Run(SpeedCase c, torch.Device device, int steps, int warmup, double warmupSeconds)
    {
        Console.WriteLine($"breakdown {c.Name}: {c.Description}");
        using var gen = c.Gen(device, 1);
        using var hand = c.HandWritten?.Invoke(device, 1);
        var genPhases = new List<double[]>();
        var handPhases = new List<double[]>();
        Timing.Warm(gen.Run, device, 0, warmupSeconds);
        if (hand != null)
        {
            Timing.Warm(hand.Run, device, 0, warmupSeconds);
        }

        for (int i = 0; i < steps + warmup; i++)
        {
            // The order alternates, so that neither always follows the other's memory traffic.
            if (hand != null && i % 2 == 1)
            {
                Keep(handPhases, hand.Phases(device), i >= warmup);
            }

            Keep(genPhases, gen.Phases(device), i >= warmup);
            if (hand != null && i % 2 == 0)
            {
                Keep(handPhases, hand.Phases(device), i >= warmup);
            }
        }

        var result = new Result(c, Medians(genPhases), hand is null ? null : Medians(handPhases), steps);
        Print("gen", result.Gen, steps);
        if (result.Hand != null)
        {
            Print("hand", result.Hand, steps);
        }

        return result;
    }

    private static void Keep(List<double[]> into, double[] phases, bool timed)
    {
        if (timed)
        {
            into.Add(phases);
        }
    }

    private static double[] Medians(List<double[]> phases) =>
        Enumerable.Range(0, PhaseNames.Count).Select(p => Timing.Median(phases.Select(x => x[p]).ToArray())).ToArray();

    private static void Print(string label, double[] medians, int steps) =>
        Console.WriteLine($"  {label}: {string.Join(", ", PhaseNames.Select((n, p) => $"{n} {1e3 * medians[p]:F3} ms"))} (medians of {steps} steps)");
}
