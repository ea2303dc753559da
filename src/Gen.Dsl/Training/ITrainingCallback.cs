namespace Gen.Dsl;

/// <summary>
/// Something that follows a training run as a value in <see cref="Trainer.Callbacks"/>: a logger
/// (<see cref="TensorBoardLog"/>), a sample writer, a metric of your own. Both methods do nothing unless implemented;
/// they run on the training thread between steps, so what they compute is part of the step time.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>
    /// A progress report: every <see cref="TrainingOptions.ProgressEvery"/> steps and at the end of each epoch (then
    /// with the validation loss), the same reports the <c>progress</c> argument of <c>Fit</c> receives.
    /// </summary>
    /// <param name="report">The figures since the last report.</param>
    void OnProgress(TrainingProgress report)
    {
    }

    /// <summary>A warning about the run (from the model's <see cref="ITrainingDiagnostics"/>), before the first step.</summary>
    /// <param name="message">The warning.</param>
    void OnWarning(string message)
    {
    }

    /// <summary>The end of an epoch, after its validation, with the model at the weights the epoch ended with.</summary>
    /// <param name="epoch">The epoch's figures and the model.</param>
    void OnEpochEnd(TrainingEpoch epoch)
    {
    }
}
