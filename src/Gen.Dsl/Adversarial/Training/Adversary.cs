using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// The adversary of a model that draws differentiable samples (<see cref="IDifferentiableSampler"/>: a flow, a VAE's
/// decoder, a GAN's generator): a critic (<see cref="ICritic"/>), its optimizer and a <see cref="HybridObjective"/>. It
/// is the critic's half of every adversarial game in Gen: <see cref="AdversarialTrainer"/> (and so
/// <see cref="GanTrainer"/>) plays its rounds. <see cref="ModelLoss(TorchSharp.torch.Tensor, System.Func{TorchSharp.torch.Tensor, TorchSharp.torch.Tensor}?, TorchSharp.torch.Generator?)"/>
/// first makes <see cref="CriticSteps"/> critic updates on the real batch, then returns the model's loss
/// w_lik·(−log p) + w_adv·adversarial as a <see cref="Loss"/> with named terms, so the ordinary <see cref="Trainer"/>
/// runs the alternating game, with its validation, early stopping, progress reports and divergence checks:
/// <code>
/// using var adversary = new Adversary(flow, critic, Objective.Likelihood + 0.5 * Objective.Adversarial(Objective.NonSaturating));
/// var trainer = new Trainer(flow, new FusedAdam(flow.parameters(), 1e-3), x =&gt; adversary.ModelLoss(x, b =&gt; -flow.LogProb(b).mean()));
/// </code>
/// </summary>
/// <remarks>
/// The loss's terms are <c>nll</c> (when a likelihood is given), <c>adversarial</c> (the game's generator loss) and
/// <c>critic</c> (the last critic update's loss, reported only). Every term is computed and reported whatever its
/// weight; a term with weight 0 adds nothing to the total, so with an adversarial weight of 0 the model's parameters
/// take exactly the steps of pure likelihood training while the critic still learns to tell its samples from the data.
/// (The samples are still drawn, in the model's training mode: batch normalisation's running statistics move with
/// them, and draws without a seeded generator use the global random stream.) Each critic
/// update sees the same real batch (or, given one batch per update, a fresh one) and freshly drawn samples. The model's
/// loss is built with the critic's parameters frozen, so it leaves no gradient on them, and each critic update clears
/// its gradients after its step. When a <see cref="Trainer"/> puts the model's last good parameters
/// back after a divergence, the critic keeps its own.
/// </remarks>
public sealed class Adversary : IDisposable
{
    private const string Node = "adversary";
    private readonly Parameter[] criticParameters;
    private readonly bool ownsOptimizer;
    private bool disposed;

    /// <summary>Prepares the game. Create it after moving the model and the critic to their device and dtype.</summary>
    /// <param name="model">The model whose samples the critic judges; for a class-conditional critic, an <see cref="IConditionalSampler"/> over the same classes.</param>
    /// <param name="critic">The critic; a <see cref="torch.nn.Module"/> critic is put in training mode.</param>
    /// <param name="objective">The weights and the game, for example <c>Objective.Likelihood + 0.1 * Objective.Adversarial(Objective.NonSaturating)</c>.</param>
    /// <param name="criticSteps">Critic updates per model update (5 in WGAN and WGAN-GP, 1 otherwise).</param>
    /// <param name="criticOptimizer">The critic's optimizer over <see cref="ICritic.CriticParameters"/>; Adam with learning rate 2·10⁻⁴ and β = (0.5, 0.999) when null (then disposed with the adversary).</param>
    /// <exception cref="GenShapeException">The model's samples do not have the shape the critic takes, or the model and the critic read different classes (checked before any tensor is made).</exception>
    /// <exception cref="ArgumentException">The objective has no adversarial game, or both weights are 0, or its game penalises the critic's input gradients (WGAN-GP, R1, DRAGAN) and the critic is batch-normalised.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="criticSteps"/> is below 1, or a weight is negative or not finite.</exception>
    public Adversary(IDifferentiableSampler model, ICritic critic, HybridObjective objective, int criticSteps = 1, FusedAdam? criticOptimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(critic);
        ArgumentNullException.ThrowIfNull(objective);
        var sampleShape = model.SampleShape?.ToArray() ?? throw new ArgumentException($"{Node}: the model's sample shape is null.", nameof(model));
        var criticShape = critic.InputShape?.ToArray() ?? throw new ArgumentException($"{Node}: the critic's input shape is null.", nameof(critic));
        if (!sampleShape.AsSpan().SequenceEqual(criticShape))
        {
            throw new GenShapeException(
                $"{Node}.critic",
                $"the critic takes samples of shape {Shape.Format(criticShape)}, but the model ({model.GetType().Name}) draws samples of shape {Shape.Format(sampleShape)}.");
        }

        int modelClasses = (model as IConditionalSampler)?.Classes ?? 0;
        if (critic.Classes != modelClasses)
        {
            throw new GenShapeException(
                $"{Node}.critic.classes",
                $"the critic reads labels of {critic.Classes} classes (0: none), but the model ({model.GetType().Name}) draws given labels of {modelClasses}; give both the same classes.");
        }

        objective.Check(Node);
        if (objective.Game is null)
        {
            throw new ArgumentException($"{Node}: the objective {objective} has no adversarial term; add one with Objective.Adversarial(...), or train by likelihood with a Trainer alone.", nameof(objective));
        }

        if (criticSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(criticSteps), criticSteps, $"{Node}: make at least one critic update per model update.");
        }

        objective.Game.CheckCritic(critic, Node);
        Model = model;
        Critic = critic;
        Objective = objective;
        Game = objective.Game;
        CriticSteps = criticSteps;
        SampleShape = sampleShape;
        criticParameters = critic.CriticParameters();
        ownsOptimizer = criticOptimizer is null;
        CriticOptimizer = criticOptimizer ?? CriticUpdate.DefaultOptimizer(criticParameters);
        (critic as torch.nn.Module)?.train();
    }

    /// <summary>The model whose samples the critic judges.</summary>
    public IDifferentiableSampler Model { get; }

    /// <summary>The critic.</summary>
    public ICritic Critic { get; }

    /// <summary>The weights and the game.</summary>
    public HybridObjective Objective { get; }

    /// <summary>Critic updates per model update.</summary>
    public int CriticSteps { get; }

    /// <summary>
    /// The critic updates made so far; each update's <see cref="CriticBatch.Update"/>. Lazy penalties
    /// (<see cref="CriticPenalty.Every"/>) apply on every k-th; set it when a run resumes to keep their phase.
    /// </summary>
    public long CriticUpdates { get; set; }

    /// <summary>The critic's optimizer.</summary>
    public FusedAdam CriticOptimizer { get; }

    private AdversarialLoss Game { get; }

    private long[] SampleShape { get; }

    /// <summary>
    /// One critic update on <paramref name="real"/> against as many freshly drawn model samples (drawn without gradient).
    /// For loops of one's own; <see cref="ModelLoss(torch.Tensor, Func{torch.Tensor, torch.Tensor}?, torch.Generator?)"/> makes these updates itself.
    /// </summary>
    /// <param name="real">Real samples [batch, ..sample shape] in the critic's dtype and on its device.</param>
    /// <param name="generator">A seeded generator for the model's samples and the penalties' draws; the device's global generator when null.</param>
    /// <returns>The critic's loss (a scalar without gradient; reading it waits for the device).</returns>
    /// <exception cref="GenShapeException"><paramref name="real"/> does not have the model's sample shape.</exception>
    public torch.Tensor UpdateCritic(torch.Tensor real, torch.Generator? generator = null) => UpdateCritic(new GanBatch(real), generator);

    /// <summary>One critic update on a batch of real data and, for a class-conditional game, its labels (the model's samples are drawn given the same labels).</summary>
    /// <param name="batch">Real samples [batch, ..sample shape] and, for a conditional game, their labels.</param>
    /// <param name="generator">A seeded generator for the model's samples and the penalties' draws; the device's global generator when null.</param>
    /// <returns>The critic's loss (a scalar without gradient; reading it waits for the device).</returns>
    /// <exception cref="GenShapeException">The data does not have the model's sample shape, or the labels are missing, superfluous or of another length.</exception>
    public torch.Tensor UpdateCritic(GanBatch batch, torch.Generator? generator = null)
    {
        CheckBatch(batch, "batch");
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = torch.NewDisposeScope();
        return CriticStep(batch, generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The model's adversarial loss on <paramref name="count"/> fresh samples: the game's generator loss on the critic's
    /// logits, differentiable with respect to the model (unweighted) and not to the critic.
    /// </summary>
    /// <param name="count">How many samples.</param>
    /// <param name="generator">A seeded generator for the samples; the device's global generator when null.</param>
    /// <exception cref="ArgumentException">The game is class-conditional (use <see cref="AdversarialLossGiven"/>).</exception>
    public torch.Tensor AdversarialLoss(long count, torch.Generator? generator = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ModelInput.CheckCount(count, Node);
        if (Critic.Classes > 0)
        {
            throw new ArgumentException($"{Node}: the game is class-conditional ({Critic.Classes} classes); draw the model's samples given labels with AdversarialLossGiven(labels).", nameof(count));
        }

        return GeneratorLoss(null, count, generator);
    }

    /// <summary>The model's adversarial loss on one fresh sample per label, for a class-conditional game (unweighted, differentiable with respect to the model).</summary>
    /// <param name="labels">Class labels, int64 [batch], on the model's device.</param>
    /// <param name="generator">A seeded generator for the samples; the device's global generator when null.</param>
    public torch.Tensor AdversarialLossGiven(torch.Tensor labels, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ObjectDisposedException.ThrowIf(disposed, this);
        return GeneratorLoss(labels, labels.shape.Length > 0 ? labels.shape[0] : 0, generator);
    }

    /// <summary>
    /// Makes <see cref="CriticSteps"/> critic updates on <paramref name="real"/>, then returns the model's loss on it:
    /// w_lik·<paramref name="negativeLogLikelihood"/>(real) + w_adv·<see cref="AdversarialLoss"/>(batch size), with
    /// the named terms <c>nll</c>, <c>adversarial</c> and <c>critic</c>. Pass it to a <see cref="Trainer"/> as its loss.
    /// </summary>
    /// <param name="real">A batch of data [batch, ..sample shape] in the model's dtype and on its device.</param>
    /// <param name="negativeLogLikelihood">The scalar −log p of a batch to minimise, for example <c>x =&gt; -flow.LogProb(x).mean()</c>
    /// (for a VAE, <c>x =&gt; -vae.Elbo(x).mean()</c>); null for a model without a likelihood, allowed only when its weight is 0.</param>
    /// <param name="generator">A seeded generator for the model's samples and the penalties' draws; the device's global generator when null.</param>
    /// <exception cref="GenShapeException"><paramref name="real"/> does not have the model's sample shape, or the likelihood is not a scalar.</exception>
    /// <exception cref="ArgumentException">The likelihood weight is positive but no likelihood was given.</exception>
    public Loss ModelLoss(torch.Tensor real, Func<torch.Tensor, torch.Tensor>? negativeLogLikelihood = null, torch.Generator? generator = null) =>
        ModelLoss(new[] { new GanBatch(real) }, negativeLogLikelihood, generator);

    /// <summary>
    /// One round of the game over fresh batches, as the WGAN papers play it: critic update k uses
    /// <paramref name="batches"/>[k mod n] (so one batch serves every update, and <see cref="CriticSteps"/> batches give each
    /// update its own), and the model's loss is taken on the batch of the last update, with one sample per example (and
    /// its label, for a class-conditional game): w_lik·<paramref name="negativeLogLikelihood"/>(data) + w_adv·adversarial,
    /// with the terms <c>critic</c> (the last update's loss, reported only), <c>nll</c> and <c>adversarial</c>.
    /// </summary>
    /// <param name="batches">One or more batches of real data (with labels for a conditional game).</param>
    /// <param name="negativeLogLikelihood">The scalar −log p of a batch to minimise; null for a model without a likelihood, allowed only when its weight is 0.</param>
    /// <param name="generator">A seeded generator for the model's samples and the penalties' draws; the device's global generator when null.</param>
    /// <exception cref="GenShapeException">A batch does not have the model's sample shape, its labels are missing, superfluous or of another length, or the likelihood is not a scalar.</exception>
    /// <exception cref="ArgumentException">No batch was given, or the likelihood weight is positive but no likelihood was given.</exception>
    public Loss ModelLoss(IReadOnlyList<GanBatch> batches, Func<torch.Tensor, torch.Tensor>? negativeLogLikelihood = null, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(batches);
        if (batches.Count == 0)
        {
            throw new ArgumentException($"{Node}: a round needs at least one batch of real data.", nameof(batches));
        }

        for (int i = 0; i < batches.Count; i++)
        {
            CheckBatch(batches[i], batches.Count == 1 ? "data" : $"batches[{i}]");
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        if (negativeLogLikelihood is null && Objective.LikelihoodWeight > 0)
        {
            throw new ArgumentException($"{Node}: the objective {Objective} weighs the likelihood, so pass the model's negative log-likelihood.", nameof(negativeLogLikelihood));
        }

        torch.Tensor criticLoss;
        var last = batches[(CriticSteps - 1) % batches.Count];
        using (var scope = torch.NewDisposeScope())
        {
            torch.Tensor? loss = null;
            for (int k = 0; k < CriticSteps; k++)
            {
                loss = CriticStep(batches[k % batches.Count], generator);
            }

            criticLoss = loss!.MoveToOuterDisposeScope();
        }

        // The critic's term first: its updates ran first, so when they turned the numbers NaN it is the cause to name.
        var terms = new List<(string Name, torch.Tensor Value)> { ("critic", criticLoss) };
        var weighted = new List<torch.Tensor>();
        if (negativeLogLikelihood is not null)
        {
            var nll = negativeLogLikelihood(last.Data) ?? throw new InvalidOperationException($"{Node}: the negative log-likelihood returned null.");
            if (nll.numel() != 1)
            {
                throw new GenShapeException($"{Node}.nll", $"the negative log-likelihood must be a scalar, got a tensor of shape {Shape.Format(nll.shape)}; reduce it (for example with .mean()).");
            }

            terms.Add(("nll", nll.reshape(Array.Empty<long>())));
            if (Objective.LikelihoodWeight > 0)
            {
                weighted.Add(terms[^1].Value * Objective.LikelihoodWeight);
            }
        }

        var adversarial = GeneratorLoss(last.Labels, last.Data.shape[0], generator);
        terms.Add(("adversarial", adversarial));
        if (Objective.AdversarialWeight > 0)
        {
            weighted.Add(adversarial * Objective.AdversarialWeight);
        }

        // A term of weight 0 adds nothing, not even 0 · its gradient: the model's steps are those of the other terms alone.
        var total = weighted.Count == 1 ? weighted[0] : weighted.Aggregate((a, b) => a + b);
        return new Loss(total, terms);
    }

    /// <summary>Releases the critic's optimizer when the adversary created it.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (ownsOptimizer)
        {
            CriticOptimizer.Dispose();
        }
    }

    // Samples with gradient to the model: given labels for a conditional game.
    private torch.Tensor Draw(torch.Tensor? labels, long count, torch.Generator? generator) =>
        labels is null ? Model.RSample(count, generator) : ((IConditionalSampler)Model).RSampleGiven(labels, generator);

    // The game's generator loss, built with the critic frozen: the model's update needs gradients through the critic,
    // not of it (and a gradient left on the critic would count in a clipped norm of the model's).
    private torch.Tensor GeneratorLoss(torch.Tensor? labels, long count, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        var fake = Draw(labels, count, generator);
        CriticUpdate.SetRequiresGrad(criticParameters, false);
        try
        {
            return Game.GeneratorLoss(Critic.Logits(fake, labels)).MoveToOuterDisposeScope();
        }
        finally
        {
            CriticUpdate.SetRequiresGrad(criticParameters, true);
        }
    }

    private torch.Tensor CriticStep(GanBatch batch, torch.Generator? generator)
    {
        torch.Tensor fake;
        using (torch.no_grad())
        {
            fake = Draw(batch.Labels, batch.Data.shape[0], generator);
        }

        var labels = batch.Labels;
        return CriticUpdate.Run(Game, CriticOptimizer, criticParameters, batch.Data, fake, x => Critic.Logits(x, labels), generator, CriticUpdates++);
    }

    /// <summary>Refuses a batch whose data or labels do not fit the game, naming <paramref name="what"/>.</summary>
    internal void CheckBatch(GanBatch batch, string what)
    {
        var real = batch.Data;
        ArgumentNullException.ThrowIfNull(real, $"{what}.Data");
        if (real.dim() != SampleShape.Length + 1 || real.shape[0] < 1 || !real.shape.AsSpan(1).SequenceEqual(SampleShape))
        {
            throw new GenShapeException($"{Node}.{what}", $"expects a batch of the model's samples, [batch, {string.Join(", ", SampleShape)}], got a tensor of shape {Shape.Format(real.shape)}.");
        }

        if (batch.Labels is null != (Critic.Classes == 0))
        {
            throw new GenShapeException(
                $"{Node}.{what}.labels",
                Critic.Classes == 0 ? "the game is unconditional, but the batch has labels." : $"the game is class-conditional ({Critic.Classes} classes), so each batch needs its labels.");
        }

        if (batch.Labels is { } labels && (labels.dim() != 1 || labels.shape[0] != real.shape[0]))
        {
            throw new GenShapeException($"{Node}.{what}.labels", $"expects one label per example, [{real.shape[0]}], got a tensor of shape {Shape.Format(labels.shape)}.");
        }
    }
}
