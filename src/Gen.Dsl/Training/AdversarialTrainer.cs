using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Trains any differentiable sampler against a critic: a GAN's generator against its discriminator
/// (<see cref="GanTrainer"/>), a flow or a VAE's decoder against a separate critic, alone or beside the model's
/// likelihood. Each round makes <see cref="CriticSteps"/> critic updates, each on a fresh real batch against freshly
/// drawn samples, then one update of the model (see <see cref="Adversary"/>, which plays the rounds). <see cref="Step"/>
/// plays one round for a loop of your own; <see cref="Fit"/> runs the <see cref="Trainer"/>'s loop over a data set, with
/// its progress reports, checkpoints, time limit and the stop (with the last good weights put back) when a loss stops
/// being finite.
/// </summary>
/// <remarks>
/// In <see cref="Fit"/> a round consumes <see cref="CriticSteps"/> batches of <see cref="TrainingOptions.BatchSize"/>
/// examples, as the WGAN papers' loops do, so an epoch has about N / (CriticSteps · BatchSize) rounds; the progress
/// reports count rounds as steps, and their terms are <c>adversarial</c> (the model's game loss), <c>critic</c> (the last
/// critic update's loss) and, with a likelihood, <c>nll</c>. Checkpoints and failed steps keep and restore the model
/// module's weights and buffers (a GAN's include its discriminator) and its optimizer's state; the critic's optimizer
/// state is not kept.
/// </remarks>
public class AdversarialTrainer : IDisposable
{
    private const string Node = "adversarial_trainer";
    private readonly torch.nn.Module module;
    private readonly bool ownsModelOptimizer;
    private bool disposed;

    /// <summary>Prepares training. Create it after moving the model and the critic to their device and dtype.</summary>
    /// <param name="module">The module that holds the model's parameters (checkpointed, and restored after a failed round); it may hold the critic too, as a <see cref="GanModel"/> does. It is put in training mode.</param>
    /// <param name="model">The sampler to train, usually <paramref name="module"/> itself (a <see cref="FlowModel"/>, a <see cref="GanModel"/>), or a view of it such as <see cref="Sampler.DecoderMean"/>.</param>
    /// <param name="critic">The critic.</param>
    /// <param name="objective">The weights and the game, for example <c>Objective.Adversarial(Objective.Wasserstein + 10 * Penalty.GradientPenalty)</c>.</param>
    /// <param name="criticSteps">Critic updates per model update (5 in WGAN and WGAN-GP, 1 otherwise).</param>
    /// <param name="modelOptimizer">The model's optimizer; when null, Adam with learning rate 2·10⁻⁴ and β = (0.5, 0.999) (Radford et al., 2016) over the module's parameters that are not the critic's (then disposed with the trainer).</param>
    /// <param name="criticOptimizer">The critic's optimizer; the same default over <see cref="ICritic.CriticParameters"/> when null (then disposed with the trainer).</param>
    /// <param name="options">How <see cref="Fit"/> trains: epochs, batch size, seed, clipping, schedule, checkpoint, time limit.</param>
    /// <exception cref="GenShapeException">The model's samples do not fit the critic, or they read different classes.</exception>
    /// <exception cref="ArgumentException">The objective has no game, or penalises input gradients of a batch-normalised critic.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="criticSteps"/> is below 1, or an option is out of range.</exception>
    public AdversarialTrainer(
        torch.nn.Module module,
        IDifferentiableSampler model,
        ICritic critic,
        HybridObjective objective,
        int criticSteps = 1,
        IStepOptimizer? modelOptimizer = null,
        FusedAdam? criticOptimizer = null,
        TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Options = options ?? new TrainingOptions();
        Options.Check();
        Adversary = new Adversary(model, critic, objective, criticSteps, criticOptimizer);
        this.module = module;
        ownsModelOptimizer = modelOptimizer is null;
        if (modelOptimizer is null)
        {
            var criticParameters = new HashSet<Parameter>(critic.CriticParameters(), ReferenceEqualityComparer.Instance);
            // Parameters that take no gradient (a moving average of the weights) are not trained.
            var own = module.parameters().Where(p => p.requires_grad && !criticParameters.Contains(p)).ToArray();
            if (own.Length == 0)
            {
                Adversary.Dispose();
                throw new ArgumentException($"{Node}: the module holds no parameters besides the critic's, so there is nothing to train.", nameof(module));
            }

            modelOptimizer = CriticUpdate.DefaultOptimizer(own);
        }

        ModelOptimizer = modelOptimizer;
        module.train();
    }

    /// <summary>The critic's half of the game: the critic, its optimizer, the objective.</summary>
    public Adversary Adversary { get; }

    /// <summary>The model's optimizer.</summary>
    public IStepOptimizer ModelOptimizer { get; }

    /// <summary>Critic updates per model update.</summary>
    public int CriticSteps => Adversary.CriticSteps;

    /// <summary>How <see cref="Fit"/> trains.</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// The model's scalar negative log-likelihood of a batch, for a hybrid objective that weighs it (for example
    /// <c>x =&gt; -flow.LogProb(x).mean()</c>); null for a purely adversarial game.
    /// </summary>
    public Func<torch.Tensor, torch.Tensor>? NegativeLogLikelihood { get; init; }

    /// <summary>
    /// One round: <see cref="CriticSteps"/> critic updates, each on a batch from <paramref name="nextBatch"/> (called once
    /// per update) against as many generated samples, then one model update with as many samples as the last batch
    /// (and, for a conditional game, its labels).
    /// </summary>
    /// <param name="nextBatch">Gives the next real batch.</param>
    /// <param name="generator">A seeded generator for the samples and the penalties' draws (<see cref="Seed.Generator"/>); the device's global generator when null.</param>
    /// <returns>The last critic loss and the model's game loss (reading them waits for the device).</returns>
    public GanStepResult Step(Func<GanBatch> nextBatch, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(nextBatch);
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = torch.NewDisposeScope();
        var batches = new GanBatch[CriticSteps];
        for (int k = 0; k < CriticSteps; k++)
        {
            batches[k] = nextBatch();
        }

        var loss = Round(batches, generator);
        ModelOptimizer.ZeroGrad();
        loss.Total.backward();
        ModelOptimizer.Step();
        (module as IAfterOptimizerStep)?.AfterOptimizerStep();
        double Term(string name) => loss.Terms.First(t => t.Name == name).Value.ToDouble();
        return new GanStepResult(Term("critic"), Term("adversarial"));
    }

    /// <summary>
    /// Trains on <paramref name="data"/> (examples along the first dimension, on the model's device) for
    /// <see cref="TrainingOptions.Epochs"/> epochs in rounds of <see cref="CriticSteps"/> shuffled batches. A resumable
    /// run (<see cref="TrainingOptions.ResumeDirectory"/>) keeps both optimizers' states, the critic's update count
    /// (the phase of lazy penalties) and the state of <paramref name="generator"/>, so a run stopped at any point and
    /// started again ends with the weights of the run that never stopped; a step that fails puts back both optimizers.
    /// </summary>
    /// <param name="data">Real samples [n, ..sample shape].</param>
    /// <param name="labels">Their labels, int64 [n], for a class-conditional game; null otherwise.</param>
    /// <param name="progress">Receives progress reports (every <see cref="TrainingOptions.ProgressEvery"/> rounds and at the end of each epoch).</param>
    /// <param name="generator">A seeded generator for the samples and the penalties' draws; when null, one seeded from <see cref="TrainingOptions.Seed"/> (a stream apart from the batch order's), so a run repeats exactly.</param>
    /// <param name="cancellation">Stops training between rounds.</param>
    /// <returns>The epochs run, the rounds, and the mean model loss of each epoch.</returns>
    /// <exception cref="GenShapeException">The data does not have the model's sample shape, or the labels do not fit it.</exception>
    /// <exception cref="TrainingDivergedException">A loss became NaN or infinite; the last good weights are back in the module.</exception>
    public TrainingResult Fit(torch.Tensor data, torch.Tensor? labels = null, IProgress<TrainingProgress>? progress = null, torch.Generator? generator = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (data.dim() < 1 || data.shape[0] < 1)
        {
            throw new GenShapeException($"{Node}.data", $"expects examples along the first dimension, got a tensor of shape {Shape.Format(data.shape)}.");
        }

        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != data.shape[0]))
        {
            throw new GenShapeException($"{Node}.labels", $"expects one label per example, [{data.shape[0]}], got a tensor of shape {Shape.Format(labels.shape)}.");
        }

        // The shapes and labels are checked before the first round, on the first example.
        using (var probe = torch.NewDisposeScope())
        {
            Adversary.CheckBatch(new GanBatch(data[..1], labels?[..1]), "data");
        }

        int batchSize = Options.BatchSize;
        var rounds = Options with { BatchSize = checked(batchSize * CriticSteps) };
        using var owned = generator is null ? Seed.Generator(unchecked(Options.Seed ^ 0x5DEECE66DL)) : null;
        var draws = generator ?? owned;
        // Checkpoints and resumes keep both players' optimizer states and the critic's update count, and the stream of
        // draws, so a resumed run goes on as the uninterrupted one would.
        using var state = new AdversarialOptimizerState(ModelOptimizer, Adversary);
        var trainer = new Trainer(module, state, indices =>
        {
            var x = data.index_select(0, indices);
            var y = labels?.index_select(0, indices);
            var chunks = x.split(batchSize);
            var labelChunks = y?.split(batchSize);
            var batches = chunks.Select((c, i) => new GanBatch(c, labelChunks?[i])).ToArray();
            return Round(batches, draws);
        }, rounds)
        {
            Generators = new[] { draws! },
        };
        using var all = torch.arange(data.shape[0], dtype: torch.int64, device: data.device);
        return trainer.Fit(all, null, progress, cancellation);
    }

    /// <summary>
    /// A regulariser of the model's own weights added to its loss every round as the term <c>regularizer</c>, such as
    /// BigGAN's orthogonal regularisation of the generator (<see cref="WeightPenalty.Orthogonal"/>); null for none.
    /// It must return a scalar with gradient to the weights it regularises.
    /// </summary>
    public Func<torch.Tensor>? ModelRegularizer { get; init; }

    private Loss Round(IReadOnlyList<GanBatch> batches, torch.Generator? generator)
    {
        var loss = Adversary.ModelLoss(batches, NegativeLogLikelihood, generator);
        if (ModelRegularizer is null)
        {
            return loss;
        }

        var penalty = ModelRegularizer() ?? throw new InvalidOperationException($"{Node}: the model regulariser returned null.");
        if (penalty.numel() != 1)
        {
            throw new GenShapeException($"{Node}.regularizer", $"the model regulariser must give a scalar, got a tensor of shape {Shape.Format(penalty.shape)}.");
        }

        penalty = penalty.reshape(Array.Empty<long>());
        return new Loss(loss.Total + penalty, loss.Terms.Append(("regularizer", penalty)));
    }

    /// <summary>Releases the optimizers the trainer created (not those it was given).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the optimizers the trainer created.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposed || !disposing)
        {
            return;
        }

        disposed = true;
        Adversary.Dispose();
        if (ownsModelOptimizer)
        {
            (ModelOptimizer as IDisposable)?.Dispose();
        }
    }
}
