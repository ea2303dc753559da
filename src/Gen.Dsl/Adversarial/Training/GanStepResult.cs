namespace Gen.Dsl;

/// <summary>The losses of one round of <see cref="AdversarialTrainer.Step"/>.</summary>
/// <param name="DiscriminatorLoss">The critic's loss in the last critic update of the round.</param>
/// <param name="GeneratorLoss">The model's game loss in the round's model update.</param>
public readonly record struct GanStepResult(double DiscriminatorLoss, double GeneratorLoss);
