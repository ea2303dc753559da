using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Bench;

/// <summary>
/// Seconds per step of Gen and of the hand-written baseline, measured in paired rounds: round r times Gen and then
/// the baseline, or the baseline and then Gen on odd rounds, so drift in clocks, temperature or other load on the
/// machine falls on both alike, and each round gives one ratio.
/// </summary>
/// <param name="Gen">Gen's mean seconds per step, one per round.</param>
/// <param name="Hand">The baseline's, one per round (empty where there is no baseline).</param>
/// <param name="StepsPerRound">Steps timed in each round.</param>
internal sealed record Comparison(double[] Gen, double[] Hand, int StepsPerRound)
{
    /// <summary>Gen's median seconds per step.</summary>
    public double GenMedian => Timing.Median(Gen);

    /// <summary>The baseline's median seconds per step, or null.</summary>
    public double? HandMedian => Hand.Length > 0 ? Timing.Median(Hand) : null;

    /// <summary>Gen / baseline, one per round.</summary>
    public double[] Ratios => Gen.Zip(Hand, (g, h) => g / h).ToArray();

    /// <summary>Warms both up, then measures <paramref name="rounds"/> paired rounds.</summary>
    /// <param name="gen">One Gen step.</param>
    /// <param name="hand">One baseline step, or null.</param>
    /// <param name="device">Drained before each clock read.</param>
    /// <param name="warmup">Untimed steps of each before the rounds.</param>
    /// <param name="warmupSeconds">Untimed seconds of each before the rounds, at least.</param>
    /// <param name="rounds">Paired rounds.</param>
    /// <param name="steps">Steps per round; null chooses enough for <paramref name="roundSeconds"/> from one timed Gen step.</param>
    /// <param name="roundSeconds">The target length of a round when <paramref name="steps"/> is null.</param>
    public static Comparison Measure(Action gen, Action? hand, torch.Device device, int warmup, double warmupSeconds, int rounds, int? steps, double roundSeconds)
    {
        Timing.Warm(gen, device, warmup, warmupSeconds);
        if (hand != null)
        {
            Timing.Warm(hand, device, warmup, warmupSeconds);
        }

        int n = steps ?? Timing.StepsFor(gen, device, roundSeconds);
        var g = new List<double>();
        var h = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            if (hand != null && r % 2 == 1)
            {
                h.Add(Timing.Round(hand, device, n));
            }

            g.Add(Timing.Round(gen, device, n));
            if (hand != null && r % 2 == 0)
            {
                h.Add(Timing.Round(hand, device, n));
            }
        }

        return new Comparison(g.ToArray(), h.ToArray(), n);
    }

    /// <summary>"12.345 ms; hand 13.000 ms; ratio 0.950 [0.900, 1.010]".</summary>
    public string Format()
    {
        string s = $"gen {1e3 * GenMedian:F3} ms";
        if (HandMedian is { } hm)
        {
            var r = Ratios;
            s += $"; hand-written {1e3 * hm:F3} ms; ratio {Timing.Median(r):F3} [{r.Min():F3}, {r.Max():F3}]";
        }

        return s + $" ({Gen.Length} rounds of {StepsPerRound})";
    }

    /// <summary>The figures as JSON fields, each key prefixed (for example <c>gen_step_ms_median</c>).</summary>
    public void AddTo(IDictionary<string, object?> row, string genPrefix, string handPrefix, string ratioPrefix)
    {
        row[$"{genPrefix}_ms_median"] = 1e3 * GenMedian;
        row[$"{genPrefix}_ms_min"] = 1e3 * Gen.Min();
        if (HandMedian is { } hm)
        {
            var r = Ratios;
            row[$"{handPrefix}_ms_median"] = 1e3 * hm;
            row[$"{handPrefix}_ms_min"] = 1e3 * Hand.Min();
            row[$"{ratioPrefix}median"] = Timing.Median(r);
            row[$"{ratioPrefix}min"] = r.Min();
            row[$"{ratioPrefix}max"] = r.Max();
        }
    }
}
