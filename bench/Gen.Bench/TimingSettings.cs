namespace Gen.Bench;

/// <summary>How cases are timed, shared by the speed command and the report.</summary>
/// <param name="Warmup">Untimed steps of each model before timing.</param>
/// <param name="WarmupSeconds">Untimed seconds of each model before timing, at least (see <see cref="Timing.Warm"/>).</param>
/// <param name="Rounds">Paired rounds.</param>
/// <param name="StepsPerRound">Steps per round, or null to choose them from <paramref name="RoundSeconds"/>.</param>
/// <param name="RoundSeconds">Target length of a round when the steps are chosen.</param>
/// <param name="LogProb">Whether to time the log-likelihood alone too.</param>
internal sealed record TimingSettings(int Warmup, double WarmupSeconds, int Rounds, int? StepsPerRound, double RoundSeconds, bool LogProb);
