namespace HostileProbes.Harness;

/// <summary>A probe's verdict with what it cost: wall time, peak resident growth and managed allocation.</summary>
internal sealed record ProbeResult(
    int Index,
    string Category,
    string Name,
    Outcome Outcome,
    string Detail,
    string? Exception,
    bool Refusal,
    bool Budgeted,
    double Seconds,
    long PeakGrowthBytes,
    long AllocatedBytes,
    string Reproduction,
    string? Note = null)
{
    /// <summary>A refusal held to the target that took longer than a second or more than 100 MB.</summary>
    public bool OverBudget => Budgeted && Refusal && (Seconds > Rules.RefusalSeconds || PeakGrowthBytes > Rules.RefusalBytes || AllocatedBytes > Rules.RefusalBytes);

    /// <summary>Whether the report lists this probe as a defect of the library.</summary>
    public bool IsDefect => Outcome is Outcome.Raw or Outcome.Hang or Outcome.Exhaustion or Outcome.DataLoss or Outcome.Unsafe || OverBudget;
}
