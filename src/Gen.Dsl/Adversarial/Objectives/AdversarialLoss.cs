using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// What a GAN's two players minimise: a loss for the discriminator (critic) over a <see cref="CriticBatch"/> and a loss
/// for the generator over the critic's logits on generated samples. Objectives (<see cref="Objective"/>) and penalties
/// (<see cref="Penalty"/>) are values of this type; they compose with <c>+</c> and scale with <c>*</c>, so
/// <c>Objective.NonSaturating + 10 * Penalty.R1</c> is again a loss and needs no new class.
/// </summary>
public abstract record AdversarialLoss
{
    /// <summary>The discriminator's loss for one batch of real and generated samples (a scalar, to minimise).</summary>
    /// <param name="batch">The real and generated samples, the critic, and their logits.</param>
    public abstract torch.Tensor DiscriminatorLoss(CriticBatch batch);

    /// <summary>The generator's loss (a scalar, to minimise) from the critic's logits on generated samples.</summary>
    /// <param name="fakeLogits">The critic's logits on generated samples, with gradient to the generator.</param>
    public abstract torch.Tensor GeneratorLoss(torch.Tensor fakeLogits);

    /// <summary>
    /// Applied to the discriminator's parameters after each of its updates; nothing, except for objectives that
    /// constrain the critic directly (weight clipping).
    /// </summary>
    /// <param name="discriminatorParameters">The discriminator's parameters.</param>
    public virtual void Constrain(IEnumerable<Parameter> discriminatorParameters) => ArgumentNullException.ThrowIfNull(discriminatorParameters);

    /// <summary>
    /// Whether the loss penalises the critic's gradient with respect to each input (WGAN-GP, R1, DRAGAN). Such a
    /// penalty is per example only if the critic treats examples independently, which batch normalisation does not.
    /// </summary>
    internal virtual bool PenalisesInputGradients => false;

    /// <summary>
    /// Refuses a gradient penalty on a batch-normalised critic (Gulrajani et al. 2017, section 4: the penalty is on each
    /// example's gradient, and batch normalisation makes each output depend on the whole batch).
    /// </summary>
    internal void CheckCritic(ICritic critic, string node)
    {
        if (PenalisesInputGradients && critic.DependsOnBatch)
        {
            throw new ArgumentException(
                $"{node}: the objective {this} penalises the critic's gradient for each example, but the critic is batch-normalised, so each of its outputs depends on the whole batch; normalise it by layer (Normalization.Layer) or not at all.");
        }
    }

    /// <summary>The sum of both losses (for each player).</summary>
    public AdversarialLoss Add(AdversarialLoss other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return WeightedLoss.Of(this).Concat(WeightedLoss.Of(other));
    }

    /// <summary>This loss multiplied by <paramref name="weight"/> (for each player).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative or not finite.</exception>
    public AdversarialLoss Times(double weight) => WeightedLoss.Of(this).Scaled(weight);

    /// <summary>The sum of both losses; the same as <see cref="Add"/>.</summary>
    public static AdversarialLoss operator +(AdversarialLoss left, AdversarialLoss right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Add(right);
    }

    /// <summary>The loss multiplied by a weight; the same as <see cref="Times"/>.</summary>
    public static AdversarialLoss operator *(double weight, AdversarialLoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss.Times(weight);
    }

    /// <summary>The loss multiplied by a weight; the same as <see cref="Times"/>.</summary>
    public static AdversarialLoss operator *(AdversarialLoss loss, double weight)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss.Times(weight);
    }

    /// <summary>A scalar zero in the dtype and on the device of <paramref name="like"/>.</summary>
    internal static torch.Tensor Zero(torch.Tensor like) => torch.zeros(Array.Empty<long>(), like.dtype, like.device);

    /// <summary>Checks that logits are a floating-point tensor with at least one element.</summary>
    internal static void CheckLogits(torch.Tensor logits, string name)
    {
        ArgumentNullException.ThrowIfNull(logits, name);
        if (!logits.is_floating_point() || logits.numel() == 0)
        {
            throw new ArgumentException($"adversarial_loss: {name} must be a non-empty floating-point tensor, got {logits.dtype} of shape {Shape.Format(logits.shape)}.", name);
        }
    }
}
