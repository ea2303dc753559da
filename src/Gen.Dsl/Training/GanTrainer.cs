using Gen.Optimization;

namespace Gen.Dsl;

/// <summary>
/// The <see cref="AdversarialTrainer"/> of a <see cref="GanModel"/>: its generator against its own discriminator, with
/// the game's loss for both players. Each <see cref="AdversarialTrainer.Step"/> makes <see cref="AdversarialTrainer.CriticSteps"/>
/// discriminator updates, each on a fresh real batch and freshly generated samples, then one generator update;
/// <see cref="AdversarialTrainer.Fit"/> does the same over a data set with progress, checkpoints and the NaN stop. Each
/// player has its own optimizer; by default <see cref="FusedAdam"/> with learning rate 2·10⁻⁴ and β = (0.5, 0.999)
/// (Radford et al., 2016).
/// </summary>
public sealed class GanTrainer : AdversarialTrainer
{
    /// <summary>Prepares training. Create it after moving the model to its device and dtype.</summary>
    /// <param name="model">The GAN to train; it is put in training mode.</param>
    /// <param name="objective">The loss of both players, for example <c>Objective.NonSaturating</c> or <c>Objective.Wasserstein + 10 * Penalty.GradientPenalty</c>.</param>
    /// <param name="criticSteps">Discriminator updates per generator update (5 in WGAN and WGAN-GP, 1 otherwise).</param>
    /// <param name="generatorOptimizer">The generator's optimizer, over <see cref="GanModel.GeneratorParameters"/>; a default one when null (then disposed with the trainer).</param>
    /// <param name="discriminatorOptimizer">The discriminator's optimizer, over <see cref="GanModel.DiscriminatorParameters"/>; a default one when null (then disposed with the trainer).</param>
    /// <param name="options">How <see cref="AdversarialTrainer.Fit"/> trains.</param>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="criticSteps"/> is below 1.</exception>
    /// <exception cref="System.ArgumentException">The objective penalises the critic's input gradients (WGAN-GP, R1, DRAGAN) and the discriminator is batch-normalised.</exception>
    public GanTrainer(GanModel model, AdversarialLoss objective, int criticSteps = 1, FusedAdam? generatorOptimizer = null, FusedAdam? discriminatorOptimizer = null, TrainingOptions? options = null)
        : base(
            model ?? throw new System.ArgumentNullException(nameof(model)),
            model,
            model.Critic,
            Dsl.Objective.Adversarial(objective ?? throw new System.ArgumentNullException(nameof(objective))),
            criticSteps,
            generatorOptimizer ?? CriticUpdate.DefaultOptimizer(model.GeneratorParameters()),
            discriminatorOptimizer,
            options)
    {
        Model = model;
        Objective = objective;
        ownsGeneratorOptimizer = generatorOptimizer is null;
    }

    private readonly bool ownsGeneratorOptimizer;
    private bool generatorOptimizerDisposed;

    /// <summary>The model being trained.</summary>
    public GanModel Model { get; }

    /// <summary>The loss of both players.</summary>
    public AdversarialLoss Objective { get; }

    /// <summary>The generator's optimizer.</summary>
    public FusedAdam GeneratorOptimizer => (FusedAdam)ModelOptimizer;

    /// <summary>The discriminator's optimizer.</summary>
    public FusedAdam DiscriminatorOptimizer => Adversary.CriticOptimizer;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsGeneratorOptimizer && !generatorOptimizerDisposed)
        {
            generatorOptimizerDisposed = true;
            GeneratorOptimizer.Dispose();
        }

        base.Dispose(disposing);
    }
}
