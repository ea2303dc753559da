namespace HostileProbes.Harness;

/// <summary>
/// What a probe concluded: its outcome, the exception it saw (if any), a short account, and a note for the report's
/// observations when the probe saw something worth knowing that is not a defect by the rules.
/// </summary>
internal sealed record Verdict(Outcome Outcome, string Detail, string? Exception = null, bool Refusal = false, string? Note = null)
{
    /// <summary>Nothing to refuse, or a documented recovery.</summary>
    public static Verdict Handled(string detail) => new(Outcome.Handled, detail);

    /// <summary>Data that was good before the probe is damaged or gone.</summary>
    public static Verdict DataLoss(string detail) => new(Outcome.DataLoss, detail);
}
