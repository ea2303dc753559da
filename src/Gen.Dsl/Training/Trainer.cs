using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// Minibatch training of any compiled model against a loss: shuffled minibatches, an optimizer step per batch, optional
/// gradient clipping and learning-rate schedule, validation after each epoch with early stopping, progress through
/// <see cref="IProgress{T}"/>, and a stop with a clear error (and the last good parameters put back) when the loss or
/// one of its terms stops being finite.
/// </summary>
/// <remarks>
/// Weights are kept (as the last good state, the best epoch, or in the checkpoint file) only once they are known to be
/// good. A step's loss is computed before the step updates the weights, so the weights an epoch ends with are first
/// checked to be finite, then kept pending until a later loss at them is finite: the next checked step's (the first
/// step of the next epoch, with <see cref="TrainingOptions.CheckFiniteEvery"/> 1), or the epoch's validation loss. A
/// last step that breaks the weights while its own loss was finite therefore never reaches the checkpoint; the
/// pending checkpoint waits beside the target (a hidden file ending in <c>.unconfirmed</c>) and replaces it only when
/// confirmed. The last epoch's weights, which no later step scores, are scored once more on the last batch when no
/// validation loss confirmed them (a loss with side effects, such as an adversary's critic update, runs once more). After a failure the
/// parameters, buffers and the optimizer's state (<see cref="IStepOptimizer.Snapshot"/>) are put back to the last good
/// state.
/// </remarks>
/// <example>
/// <code>
/// var trainer = new Trainer(model, new FusedAdam(model.parameters(), 1e-3), x =&gt; -model.LogProb(x).mean(),
///     new TrainingOptions { Epochs = 20, Patience = 3 }) { Validation = x =&gt; -model.LogProb(x) };
/// var result = trainer.Fit(train, valid, progress);
/// </code>
/// </example>
public sealed partial class Trainer
{
    private readonly torch.nn.Module model;
    private readonly IStepOptimizer optimizer;
    private readonly Func<torch.Tensor, Loss> loss;
    private readonly TrainingOptions options;

    /// <summary>Creates a trainer. Build the optimizer after moving the model to its device.</summary>
    /// <param name="model">The module whose parameters the optimizer trains (used for clipping and snapshots).</param>
    /// <param name="optimizer">The optimizer: <see cref="FusedAdam"/>, a <see cref="TorchOptimizer"/> or one of your own; checkpoints keep and failed steps restore the state of any that can save and copy it (<see cref="IStepOptimizer.StateFormat"/>, <see cref="IStepOptimizer.Snapshot"/>).</param>
    /// <param name="loss">The loss of a minibatch (a scalar, with named terms if wanted).</param>
    /// <param name="options">How to train.</param>
    public Trainer(torch.nn.Module model, IStepOptimizer optimizer, Func<torch.Tensor, Loss> loss, TrainingOptions? options = null)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        this.optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        this.loss = loss ?? throw new ArgumentNullException(nameof(loss));
        this.options = options ?? new TrainingOptions();
        this.options.Check();
    }

    /// <summary>
    /// Creates a trainer whose loss is a plain scalar tensor, with no named terms (for example
    /// <c>x =&gt; -model.LogProb(x).mean()</c>; in F#, <c>fun x -&gt; -model.LogProb(x).mean()</c>, which cannot use
    /// the implicit conversion to <see cref="Loss"/>). Build the optimizer after moving the model to its device.
    /// </summary>
    /// <param name="model">The module whose parameters the optimizer trains (used for clipping and snapshots).</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="loss">The loss of a minibatch, a scalar.</param>
    /// <param name="options">How to train.</param>
    public Trainer(torch.nn.Module model, IStepOptimizer optimizer, Func<torch.Tensor, torch.Tensor> loss, TrainingOptions? options = null)
        : this(model, optimizer, ToLoss(loss), options)
    {
    }

    /// <summary>
    /// Creates a trainer with a TorchSharp optimizer (<c>torch.optim.Adam</c>, <c>SGD</c>, <c>AdamW</c> ...), adapted by
    /// <see cref="TorchOptimizer"/>: after a failed step its state is put back with the parameters and buffers, and
    /// checkpoints hold it (resume with <see cref="Model.LoadOptimizerState"/>).
    /// </summary>
    /// <param name="model">The module whose parameters the optimizer trains.</param>
    /// <param name="optimizer">The TorchSharp optimizer, built after moving the model to its device.</param>
    /// <param name="loss">The loss of a minibatch (a scalar, with named terms if wanted).</param>
    /// <param name="options">How to train.</param>
    public Trainer(torch.nn.Module model, torch.optim.Optimizer optimizer, Func<torch.Tensor, Loss> loss, TrainingOptions? options = null)
        : this(model, new TorchOptimizer(optimizer ?? throw new ArgumentNullException(nameof(optimizer))), loss, options)
    {
    }

    /// <summary>As <see cref="Trainer(torch.nn.Module, torch.optim.Optimizer, Func{torch.Tensor, Loss}, TrainingOptions?)"/>, with a plain scalar loss.</summary>
    /// <param name="model">The module whose parameters the optimizer trains.</param>
    /// <param name="optimizer">The TorchSharp optimizer, built after moving the model to its device.</param>
    /// <param name="loss">The loss of a minibatch, a scalar.</param>
    /// <param name="options">How to train.</param>
    public Trainer(torch.nn.Module model, torch.optim.Optimizer optimizer, Func<torch.Tensor, torch.Tensor> loss, TrainingOptions? options = null)
        : this(model, optimizer, ToLoss(loss), options)
    {
    }

    private static Func<torch.Tensor, Loss> ToLoss(Func<torch.Tensor, torch.Tensor> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return x => Loss.Of(loss(x));
    }

    /// <summary>
    /// The per-example validation loss of a batch (for example <c>x =&gt; -model.LogProb(x)</c>, shape [batch]), evaluated
    /// without gradients and with the model in evaluation mode (<c>eval()</c>, its previous mode restored after) after
    /// every epoch when validation data is given; its mean drives early stopping. A function that gives anything but one
    /// loss per example is refused with an error. A function that draws random numbers (an ELBO, a dequantised
    /// likelihood) should draw them from a seeded generator of its own: from the global one it would change the
    /// numbers training draws, so the same seeds would train differently with and without validation.
    /// </summary>
    public Func<torch.Tensor, torch.Tensor>? Validation { get; init; }

    /// <summary>Called after every epoch with the epoch number and whether its validation loss is the best so far (for checkpoints).</summary>
    public Action<int, bool>? AfterEpoch { get; init; }

    /// <summary>
    /// Values that follow the run (<see cref="ITrainingCallback"/>): each receives every progress report and every
    /// epoch's end, in order, on the training thread; for example <c>Callbacks = [new TensorBoardLog("runs/flow")]</c>.
    /// </summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = Array.Empty<ITrainingCallback>();

    /// <summary>
    /// Generators that the loss (or a batch source) draws from, such as a VAE's noise: a resumable run
    /// (<see cref="TrainingOptions.ResumeDirectory"/>) saves their states after each epoch and puts them back when it
    /// resumes, so it draws the numbers the uninterrupted run would have drawn.
    /// </summary>
    public IReadOnlyList<torch.Generator> Generators { get; init; } = Array.Empty<torch.Generator>();

    /// <summary>
    /// Receives the warnings of a model that diagnoses its training data (<see cref="ITrainingDiagnostics"/>: a flow
    /// whose splines would see data outside their bound), asked once on the first batch; they go to the callbacks too.
    /// By default they are written to the standard error stream; set it to do nothing to silence them.
    /// </summary>
    public Action<string> Warn { get; init; } = message => Console.Error.WriteLine($"warning: {message}");

    /// <summary>Trains on <paramref name="train"/> (examples along the first dimension, on the model's device).</summary>
    /// <exception cref="TrainingDivergedException">The loss or a term became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was triggered (between steps).</exception>
    public TrainingResult Fit(torch.Tensor train, torch.Tensor? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        long batchesPerEpoch = (train.shape[0] + options.BatchSize - 1) / options.BatchSize;
        using var order = Seed.Generator(options.Seed);
        // A model that checks every batch's values (binary pixels, a likelihood's support) checks the whole set once
        // instead; the batches drawn from it are then not checked again, unless the loss makes new tensors of them.
        var checks = model as IChecksData;
        bool trusted = checks?.Accepts(train) == true;
        bool trustedValidation = validation is not null && checks?.Accepts(validation) == true;
        return Run(_ => Batches.Of(train, options.BatchSize, train.device, order), batchesPerEpoch, validation, progress, cancellation, order, trusted, trustedValidation);
    }

    /// <summary>
    /// Trains on minibatches from any source: <paramref name="epochBatches"/> gives the batches of each epoch (its
    /// argument is the epoch, from 1), for example a loader that streams from disk or draws fresh samples, on the model's
    /// device. <see cref="TrainingOptions.BatchSize"/> then only sizes the validation chunks, and until the first epoch ends
    /// the progress reports know no total (<see cref="TrainingProgress.TotalSteps"/> is 0).
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or a term became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was triggered (between steps).</exception>
    /// <exception cref="ArgumentException">An epoch gave no batches.</exception>
    public TrainingResult Fit(Func<int, IEnumerable<torch.Tensor>> epochBatches, torch.Tensor? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(epochBatches);
        return Run(epochBatches, null, validation, progress, cancellation, null, trusted: false, trustedValidation: false);
    }

    private TrainingResult Run(Func<int, IEnumerable<torch.Tensor>> epochBatches, long? batchesPerEpoch, torch.Tensor? validation, IProgress<TrainingProgress>? progress, CancellationToken cancellation, torch.Generator? order,
        bool trusted, bool trustedValidation)
    {
        if (validation is not null && Validation is null)
        {
            throw new ArgumentException("training: validation data was given but no Validation function to score it.", nameof(validation));
        }

        using var run = new TrainingRun(this, batchesPerEpoch, validation, progress, cancellation, order, trusted, trustedValidation);
        return run.Execute(epochBatches);
    }

    // A generator's state as bytes (the minibatch order's is absent for a source of batches: an empty state).
    private static byte[] SaveGenerator(torch.Generator? generator)
    {
        if (generator is null)
        {
            return Array.Empty<byte>();
        }

        using var state = generator.get_state();
        return state.data<byte>().ToArray();
    }

    private void RestoreGenerators(torch.Generator?[] generators, byte[][] states, string folder)
    {
        if (states.Length != generators.Length)
        {
            throw new ArgumentException($"training: the run in {folder} was saved with {states.Length - 2} generators in Trainer.Generators, this trainer has {generators.Length - 2}; resume it with the same generators.", nameof(Generators));
        }

        for (int i = 0; i < generators.Length; i++)
        {
            if (generators[i] is { } generator && states[i].Length > 0)
            {
                using var state = torch.tensor(states[i], dtype: torch.uint8);
                generator.set_state(state);
            }
        }
    }

    // The model's own warnings about the training data, from the first batch.
    private void Diagnose(torch.Tensor batch)
    {
        if (model is not ITrainingDiagnostics diagnostics)
        {
            return;
        }

        IReadOnlyList<string> messages;
        using (torch.no_grad())
        {
            messages = diagnostics.Diagnose(batch);
        }

        foreach (var message in messages)
        {
            Warn(message);
            foreach (var callback in Callbacks)
            {
                callback.OnWarning(message);
            }
        }
    }

    private void Report(IProgress<TrainingProgress>? progress, TrainingProgress report)
    {
        progress?.Report(report);
        foreach (var callback in Callbacks)
        {
            callback.OnProgress(report);
        }
    }

    // The global L2 norm of the gradients, read back once (only on reporting steps).
    private static double? GradientNorm(IReadOnlyList<Parameter> parameters)
    {
        using var scope = torch.NewDisposeScope();
        var norms = parameters.Where(p => p.grad is not null).Select(p => p.grad!.detach().to_type(torch.float64).norm()).ToArray();
        return norms.Length == 0 ? null : torch.stack(norms).norm().item<double>();
    }

    // A learning rate must be a finite number of 0 or more: NaN would only show later as a NaN loss, blamed on the loss.
    private static double CheckedRate(double rate, string what)
    {
        if (!double.IsFinite(rate) || rate < 0)
        {
            throw new ArgumentException(string.Format(System.Globalization.CultureInfo.InvariantCulture, what, rate) + "; a learning rate must be finite and 0 or more.");
        }

        return rate;
    }

    // The name of the first parameter or buffer holding NaN or an infinity, or null; one read-back for all.
    private string? NonFiniteState()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var state = model.state_dict().Where(e => e.Value.is_floating_point()).ToArray();
        if (state.Length == 0)
        {
            return null;
        }

        var finite = torch.stack(state.Select(e => e.Value.isfinite().all().to(torch.CPU)).ToArray()).data<bool>().ToArray();
        int bad = Array.IndexOf(finite, false);
        return bad < 0 ? null : state[bad].Key;
    }

    // The mean per-example validation loss, in evaluation mode: batch normalisation then uses its running statistics
    // (a per-example score, not one that depends on the rest of the batch) and does not fold validation data into them.
    private double Evaluate(torch.Tensor data, bool trusted)
    {
        using var noGrad = torch.no_grad();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            double sum = 0;
            foreach (var batch in Batches.Of(data, options.BatchSize, data.device))
            {
                using var scope = torch.NewDisposeScope();
                torch.Tensor losses;
                using (trusted ? CheckedBatches.Trust(batch) : null)
                {
                    losses = Validation!(batch);
                }

                if (losses.numel() != batch.shape[0])
                {
                    // A batch mean here would be divided by the example count again, silently shrinking the score.
                    throw new ArgumentException($"training: Validation must give one loss per example (shape [{batch.shape[0]}] for this batch), got shape {Shape.Format(losses.shape)}; return -model.LogProb(x), not its mean.", nameof(Validation));
                }

                sum += losses.to_type(torch.float64).sum().item<double>();
            }

            return sum / data.shape[0];
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    // One read-back for the total and all terms; on failure, put the last good state back and name the culprit.
    private void CheckFinite(Loss l, long step, LastGoodState lastGood)
    {
        using var scope = torch.NewDisposeScope();
        CheckFinite(Values(l), l.Terms.Select(t => t.Name).ToArray(), step, lastGood);
    }

    // The total, then every term, read back at once.
    private static double[] Values(Loss l) =>
        torch.stack(new[] { l.Total.detach().reshape(1) }.Concat(l.Terms.Select(t => t.Value.detach().reshape(1))).Select(t => t.to_type(torch.float64)).ToArray())
            .cpu().data<double>().ToArray();

    private void CheckFinite(double[] values, string[] names, long step, LastGoodState lastGood)
    {
        if (values.All(double.IsFinite))
        {
            return;
        }

        // Name the first non-finite term when one is, since it is the likelier cause than the total.
        int culprit = Enumerable.Range(1, values.Length - 1).FirstOrDefault(j => !double.IsFinite(values[j]), 0);
        lastGood.Restore();
        throw new TrainingDivergedException(step, culprit == 0 ? "total" : names[culprit - 1], values[culprit], lastGood.Epoch);
    }
}
