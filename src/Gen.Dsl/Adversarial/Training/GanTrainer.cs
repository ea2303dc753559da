using System;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Alternating GAN updates: each <see cref="Step"/> makes <see cref="CriticSteps"/> discriminator updates, each on a
/// fresh real batch and freshly generated samples, then one generator update. Each player has its own optimizer; by
/// default <see cref="FusedAdam"/> with learning rate 2·10⁻⁴ and β = (0.5, 0.999) (Radford et al., 2016). To train
/// another model (a flow, a VAE's decoder) against a critic, or to add a likelihood to the game, use an
/// <see cref="Adversary"/> with the <see cref="Trainer"/>.
/// </summary>
public sealed class GanTrainer : IDisposable
{
    private readonly bool ownsGeneratorOptimizer;
    private readonly bool ownsDiscriminatorOptimizer;
    private bool disposed;

    /// <summary>Prepares training. Create it after moving the model to its device and dtype.</summary>
    /// <param name="model">The GAN to train; it is put in training mode.</param>
    /// <param name="objective">The loss of both players, for example <c>Objective.NonSaturating</c> or <c>Objective.Wasserstein + 10 * Penalty.GradientPenalty</c>.</param>
    /// <param name="criticSteps">Discriminator updates per generator update (5 in WGAN and WGAN-GP, 1 otherwise).</param>
    /// <param name="generatorOptimizer">The generator's optimizer, over <see cref="GanModel.GeneratorParameters"/>; a default one when null (then disposed with the trainer).</param>
    /// <param name="discriminatorOptimizer">The discriminator's optimizer, over <see cref="GanModel.DiscriminatorParameters"/>; a default one when null (then disposed with the trainer).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="criticSteps"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The objective penalises the critic's input gradients (WGAN-GP, R1, DRAGAN) and the discriminator is batch-normalised.</exception>
    public GanTrainer(GanModel model, AdversarialLoss objective, int criticSteps = 1, FusedAdam? generatorOptimizer = null, FusedAdam? discriminatorOptimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(objective);
        if (criticSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(criticSteps), criticSteps, "gan_trainer: make at least one critic update per generator update.");
        }

        objective.CheckCritic(model.Spec.DiscriminatorNetwork, "gan_trainer");
        Model = model;
        Objective = objective;
        CriticSteps = criticSteps;
        ownsGeneratorOptimizer = generatorOptimizer is null;
        ownsDiscriminatorOptimizer = discriminatorOptimizer is null;
        GeneratorOptimizer = generatorOptimizer ?? CriticUpdate.DefaultOptimizer(model.GeneratorParameters());
        DiscriminatorOptimizer = discriminatorOptimizer ?? CriticUpdate.DefaultOptimizer(model.DiscriminatorParameters());
        model.train();
    }

    /// <summary>The model being trained.</summary>
    public GanModel Model { get; }

    /// <summary>The loss of both players.</summary>
    public AdversarialLoss Objective { get; }

    /// <summary>Discriminator updates per generator update.</summary>
    public int CriticSteps { get; }

    /// <summary>The generator's optimizer.</summary>
    public FusedAdam GeneratorOptimizer { get; }

    /// <summary>The discriminator's optimizer.</summary>
    public FusedAdam DiscriminatorOptimizer { get; }

    /// <summary>
    /// One round: <see cref="CriticSteps"/> discriminator updates, each on a batch from <paramref name="nextBatch"/>
    /// (called once per update) against as many generated samples, then one generator update with as many samples as
    /// the last batch (and, for a conditional model, its labels).
    /// </summary>
    /// <param name="nextBatch">Gives the next real batch.</param>
    /// <param name="generator">A seeded generator for the latents and the penalties' draws (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <returns>The last discriminator loss and the generator loss (reading them waits for the device).</returns>
    public GanStepResult Step(Func<GanBatch> nextBatch, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(nextBatch);
        ObjectDisposedException.ThrowIf(disposed, this);
        var discriminatorParameters = Model.DiscriminatorParameters();
        // One scope for the whole round: the last real batch's size and labels serve the generator's update too.
        using var scope = torch.NewDisposeScope();
        double discriminatorLoss = 0;
        GanBatch last = default;
        for (int k = 0; k < CriticSteps; k++)
        {
            last = nextBatch();
            ArgumentNullException.ThrowIfNull(last.Data, "nextBatch().Data");
            var labels = last.Labels;
            torch.Tensor fake;
            using (torch.no_grad())
            {
                fake = Model.Generate(Model.Latent(last.Data.shape[0], generator), labels);
            }

            var loss = CriticUpdate.Run(Objective, DiscriminatorOptimizer, discriminatorParameters, last.Data, fake, x => Model.Discriminate(x, labels), generator);
            if (k == CriticSteps - 1)
            {
                discriminatorLoss = loss.ToDouble();
            }
        }

        // The generator's update needs gradients through the discriminator, not of it.
        CriticUpdate.SetRequiresGrad(discriminatorParameters, false);
        try
        {
            var fake = Model.Generate(Model.Latent(last.Data.shape[0], generator), last.Labels);
            var loss = Objective.GeneratorLoss(Model.Discriminate(fake, last.Labels));
            GeneratorOptimizer.ZeroGrad();
            loss.backward();
            GeneratorOptimizer.Step();
            return new GanStepResult(discriminatorLoss, loss.ToDouble());
        }
        finally
        {
            CriticUpdate.SetRequiresGrad(discriminatorParameters, true);
        }
    }

    /// <summary>Releases the optimizers the trainer created (not those it was given).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (ownsGeneratorOptimizer)
        {
            GeneratorOptimizer.Dispose();
        }

        if (ownsDiscriminatorOptimizer)
        {
            DiscriminatorOptimizer.Dispose();
        }
    }
}
