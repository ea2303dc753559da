namespace Gen.Plots;

/// <summary>One point of a training curve.</summary>
/// <param name="Step">The step, epoch or time at which the value was measured.</param>
/// <param name="Value">The value measured, for example a loss.</param>
public readonly record struct SeriesPoint(double Step, double Value);
