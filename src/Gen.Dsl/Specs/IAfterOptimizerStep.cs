namespace Gen.Dsl;

/// <summary>
/// A model that updates state of its own after each step of its optimizer, such as a moving average of its weights
/// (<see cref="GanSpec.WithGeneratorAverage"/>). <see cref="Trainer"/> and <see cref="AdversarialTrainer"/> call it after
/// every optimizer step of the model they train; a loop of your own calls it after its own steps.
/// </summary>
public interface IAfterOptimizerStep
{
    /// <summary>Updates the model's own state after an optimizer step changed its weights.</summary>
    void AfterOptimizerStep();
}
