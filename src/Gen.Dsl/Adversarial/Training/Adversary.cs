using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// The adversary of a model that draws differentiable samples (<see cref="IDifferentiableSampler"/>: a flow, a VAE's
/// decoder, a GAN's generator): a critic, its optimizer and a <see cref="HybridObjective"/>. <see cref="ModelLoss"/>
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
/// update sees the same real batch and freshly drawn samples. The model's loss also leaves gradients on the critic's
/// parameters; each critic update clears them first. When a <see cref="Trainer"/> puts the model's last good parameters
/// back after a divergence, the critic keeps its own.
/// </remarks>
public sealed class Adversary : IDisposable
{
    private const string Node = "adversary";
    private readonly Parameter[] criticParameters;
    private readonly bool ownsOptimizer;
    private bool disposed;

    /// <summary>Prepares the game. Create it after moving the model and the critic to their device and dtype.</summary>
    /// <param name="model">The model whose samples the critic judges.</param>
    /// <param name="critic">The critic; it is put in training mode.</param>
    /// <param name="objective">The weights and the game, for example <c>Objective.Likelihood + 0.1 * Objective.Adversarial(Objective.NonSaturating)</c>.</param>
    /// <param name="criticSteps">Critic updates per model update (5 in WGAN and WGAN-GP, 1 otherwise).</param>
    /// <param name="criticOptimizer">The critic's optimizer over <see cref="CriticModel.CriticParameters"/>; Adam with learning rate 2·10⁻⁴ and β = (0.5, 0.999) when null (then disposed with the adversary).</param>
    /// <exception cref="GenShapeException">The model's samples do not have the shape the critic takes (checked before any tensor is made).</exception>
    /// <exception cref="ArgumentException">The objective has no adversarial game, or both weights are 0, or its game penalises the critic's input gradients (WGAN-GP, R1, DRAGAN) and the critic is batch-normalised.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="criticSteps"/> is below 1, or a weight is negative or not finite.</exception>
    public Adversary(IDifferentiableSampler model, CriticModel critic, HybridObjective objective, int criticSteps = 1, FusedAdam? criticOptimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(critic);
        ArgumentNullException.ThrowIfNull(objective);
        var sampleShape = model.SampleShape?.ToArray() ?? throw new ArgumentException($"{Node}: the model's sample shape is null.", nameof(model));
        var criticShape = new long[] { critic.Spec.Features };
        if (!sampleShape.AsSpan().SequenceEqual(criticShape))
        {
            throw new GenShapeException(
                $"{Node}.critic",
                $"the critic takes samples of shape {Shape.Format(criticShape)}, but the model ({model.GetType().Name}) draws samples of shape {Shape.Format(sampleShape)}.");
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

        objective.Game.CheckCritic(critic.Spec.Network, Node);
        Model = model;
        Critic = critic;
        Objective = objective;
        Game = objective.Game;
        CriticSteps = criticSteps;
        SampleShape = sampleShape;
        criticParameters = critic.CriticParameters();
        ownsOptimizer = criticOptimizer is null;
        CriticOptimizer = criticOptimizer ?? CriticUpdate.DefaultOptimizer(criticParameters);
        critic.train();
    }

    /// <summary>The model whose samples the critic judges.</summary>
    public IDifferentiableSampler Model { get; }

    /// <summary>The critic.</summary>
    public CriticModel Critic { get; }

    /// <summary>The weights and the game.</summary>
    public HybridObjective Objective { get; }

    /// <summary>Critic updates per model update.</summary>
    public int CriticSteps { get; }

    /// <summary>The critic's optimizer.</summary>
    public FusedAdam CriticOptimizer { get; }

    private AdversarialLoss Game { get; }

    private long[] SampleShape { get; }

    /// <summary>
    /// One critic update on <paramref name="real"/> against as many freshly drawn model samples (drawn without gradient).
    /// For loops of one's own; <see cref="ModelLoss"/> makes these updates itself.
    /// </summary>
    /// <param name="real">Real samples [batch, ..sample shape] in the critic's dtype and on its device.</param>
    /// <param name="generator">A seeded generator for the model's samples and the penalties' draws; the device's global generator when null.</param>
    /// <returns>The critic's loss (a scalar without gradient; reading it waits for the device).</returns>
    /// <exception cref="GenShapeException"><paramref name="real"/> does not have the model's sample shape.</exception>
    public torch.Tensor UpdateCritic(torch.Tensor real, torch.Generator? generator = null)
    {
        CheckReal(real);
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = torch.NewDisposeScope();
        return CriticStep(real, generator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The model's adversarial loss on <paramref name="count"/> fresh samples: the game's generator loss on the critic's
    /// logits, differentiable with respect to the model (unweighted).
    /// </summary>
    /// <param name="count">How many samples.</param>
    /// <param name="generator">A seeded generator for the samples; the device's global generator when null.</param>
    public torch.Tensor AdversarialLoss(long count, torch.Generator? generator = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ModelInput.CheckCount(count, Node);
        using var scope = torch.NewDisposeScope();
        return Game.GeneratorLoss(Critic.Logits(Model.RSample(count, generator))).MoveToOuterDisposeScope();
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
    public Loss ModelLoss(torch.Tensor real, Func<torch.Tensor, torch.Tensor>? negativeLogLikelihood = null, torch.Generator? generator = null)
    {
        CheckReal(real);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (negativeLogLikelihood is null && Objective.LikelihoodWeight > 0)
        {
            throw new ArgumentException($"{Node}: the objective {Objective} weighs the likelihood, so pass the model's negative log-likelihood.", nameof(negativeLogLikelihood));
        }

        torch.Tensor criticLoss;
        using (var scope = torch.NewDisposeScope())
        {
            torch.Tensor? last = null;
            for (int k = 0; k < CriticSteps; k++)
            {
                last = CriticStep(real, generator);
            }

            criticLoss = last!.MoveToOuterDisposeScope();
        }

        var terms = new List<(string Name, torch.Tensor Value)>();
        var weighted = new List<torch.Tensor>();
        if (negativeLogLikelihood is not null)
        {
            var nll = negativeLogLikelihood(real) ?? throw new InvalidOperationException($"{Node}: the negative log-likelihood returned null.");
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

        var adversarial = AdversarialLoss(real.shape[0], generator);
        terms.Add(("adversarial", adversarial));
        if (Objective.AdversarialWeight > 0)
        {
            weighted.Add(adversarial * Objective.AdversarialWeight);
        }

        terms.Add(("critic", criticLoss));
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

    private torch.Tensor CriticStep(torch.Tensor real, torch.Generator? generator)
    {
        torch.Tensor fake;
        using (torch.no_grad())
        {
            fake = Model.RSample(real.shape[0], generator);
        }

        return CriticUpdate.Run(Game, CriticOptimizer, criticParameters, real, fake, Critic.Logits, generator);
    }

    private void CheckReal(torch.Tensor real)
    {
        ArgumentNullException.ThrowIfNull(real);
        if (real.dim() != SampleShape.Length + 1 || real.shape[0] < 1 || !real.shape.AsSpan(1).SequenceEqual(SampleShape))
        {
            throw new GenShapeException($"{Node}.data", $"expects a batch of the model's samples, [batch, {string.Join(", ", SampleShape)}], got a tensor of shape {Shape.Format(real.shape)}.");
        }
    }
}
