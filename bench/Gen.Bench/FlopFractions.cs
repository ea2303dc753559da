namespace Gen.Bench;

/// <summary>Achieved operation rates as fractions of the measured matrix-multiply rate.</summary>
/// <param name="Train">Gen's training step.</param>
/// <param name="HandTrain">The baseline's training step, or null.</param>
/// <param name="LogProb">Gen's log-likelihood, or null where not timed.</param>
/// <param name="HandLogProb">The baseline's log-likelihood, or null.</param>
internal readonly record struct FlopFractions(double Train, double? HandTrain, double? LogProb, double? HandLogProb);
