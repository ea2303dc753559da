namespace Gen.Dsl;

/// <summary>Factories for critic penalties; weight them with <c>*</c> and add them to an objective with <c>+</c>.</summary>
public static class Penalty
{
    /// <summary>½ E‖∇ₓ D(x)‖² on real samples (<see cref="R1Penalty"/>).</summary>
    public static R1Penalty R1 { get; } = new();

    /// <summary>WGAN-GP's E(‖∇ D(x̂)‖ − 1)² on real–generated interpolates (<see cref="Gen.Dsl.GradientPenalty"/>).</summary>
    public static GradientPenalty GradientPenalty { get; } = new();

    /// <summary>DRAGAN's E(‖∇ D(x̂)‖ − 1)² near the real samples, perturbation scale 0.5 (<see cref="DraganPenalty"/>).</summary>
    public static DraganPenalty Dragan { get; } = new(0.5);
}
