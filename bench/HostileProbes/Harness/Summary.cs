using System.Collections.Generic;
using System.Linq;

namespace HostileProbes.Harness;

/// <summary>The counts of a set of probe results, as the report's table gives them.</summary>
internal sealed record Summary(
    int Probes, int Clear, int Unclear, int Handled, int HangsOrExhaustion, int DataLosses, int Unsafe, int Raw, int OverBudget,
    ProbeResult? Slowest, ProbeResult? Largest)
{
    public static Summary Of(IReadOnlyCollection<ProbeResult> results)
    {
        var refusals = results.Where(r => r.Refusal && r.Outcome is Outcome.Clear or Outcome.Unclear or Outcome.Raw).ToList();
        return new Summary(
            results.Count,
            results.Count(r => r.Outcome == Outcome.Clear),
            results.Count(r => r.Outcome == Outcome.Unclear),
            results.Count(r => r.Outcome == Outcome.Handled),
            results.Count(r => r.Outcome is Outcome.Hang or Outcome.Exhaustion),
            results.Count(r => r.Outcome == Outcome.DataLoss),
            results.Count(r => r.Outcome == Outcome.Unsafe),
            results.Count(r => r.Outcome == Outcome.Raw),
            results.Count(r => r.OverBudget),
            refusals.MaxBy(r => r.Seconds),
            refusals.MaxBy(Memory));
    }

    /// <summary>What a probe cost in memory: the larger of its peak resident growth and its managed allocation.</summary>
    public static long Memory(ProbeResult r) => System.Math.Max(r.PeakGrowthBytes, r.AllocatedBytes);

    public override string ToString() =>
        $"{Probes} probes: {Clear} clear, {Unclear} unclear, {Handled} handled, {HangsOrExhaustion} hangs/exhaustion, {DataLosses} data losses, {Unsafe} unsafe, {Raw} raw, {OverBudget} over budget";
}
