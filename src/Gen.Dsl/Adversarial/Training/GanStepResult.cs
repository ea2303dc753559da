namespace Gen.Dsl;

/// <summary>The losses of one <see cref="GanTrainer.Step"/>.</summary>
/// <param name="DiscriminatorLoss">The discriminator's loss in the last critic update of the step.</param>
/// <param name="GeneratorLoss">The generator's loss in the step's generator update.</param>
public readonly record struct GanStepResult(double DiscriminatorLoss, double GeneratorLoss);
