using System;
using System.Globalization;

namespace Gen.Dsl;

/// <summary>
/// What a model minimises when it is trained by likelihood, adversarially, or by both at once (Flow-GAN, Grover et al.,
/// 2018): <see cref="LikelihoodWeight"/>·(−log p) + <see cref="AdversarialWeight"/>·(the <see cref="Game"/>'s generator
/// loss on the model's samples), while the critic minimises the game's discriminator loss (never weighted, so a
/// penalty keeps its strength whatever the model's weights). Build it from <see cref="Objective.Likelihood"/> and
/// <see cref="Objective.Adversarial"/> with <c>+</c> and <c>*</c>:
/// <c>Objective.Likelihood + 0.5 * Objective.Adversarial(Objective.NonSaturating + Penalty.R1)</c>. Train with an
/// <see cref="Adversary"/>.
/// </summary>
/// <param name="LikelihoodWeight">The weight on the negative log-likelihood (or minus a bound on it, for a VAE); non-negative.</param>
/// <param name="AdversarialWeight">The weight on the model's adversarial loss; non-negative.</param>
/// <param name="Game">The adversarial objective of both players, or null for pure likelihood.</param>
public sealed record HybridObjective(double LikelihoodWeight, double AdversarialWeight, AdversarialLoss? Game)
{
    /// <summary>The sum: weights add; the adversarial games must be the same (or one of them absent).</summary>
    /// <exception cref="ArgumentException">Both have a game and the games differ.</exception>
    public HybridObjective Add(HybridObjective other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Game is not null && other.Game is not null && !Game.Equals(other.Game))
        {
            throw new ArgumentException(
                $"hybrid_objective: a model plays one adversarial game, but the terms name two ({Game} and {other.Game}); add the losses first, as in Objective.Adversarial(a + b).",
                nameof(other));
        }

        return new HybridObjective(LikelihoodWeight + other.LikelihoodWeight, AdversarialWeight + other.AdversarialWeight, Game ?? other.Game);
    }

    /// <summary>Both weights multiplied by <paramref name="weight"/> (the critic's loss is not weighted).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative or not finite.</exception>
    public HybridObjective Times(double weight)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "hybrid_objective: a weight must be non-negative and finite.");
        }

        return this with { LikelihoodWeight = LikelihoodWeight * weight, AdversarialWeight = AdversarialWeight * weight };
    }

    /// <summary>The sum; the same as <see cref="Add"/>.</summary>
    public static HybridObjective operator +(HybridObjective left, HybridObjective right)
    {
        ArgumentNullException.ThrowIfNull(left);
        return left.Add(right);
    }

    /// <summary>The objective with both weights scaled; the same as <see cref="Times"/>.</summary>
    public static HybridObjective operator *(double weight, HybridObjective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return objective.Times(weight);
    }

    /// <summary>The objective with both weights scaled; the same as <see cref="Times"/>.</summary>
    public static HybridObjective operator *(HybridObjective objective, double weight)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return objective.Times(weight);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        static string W(double w) => w.ToString("G", CultureInfo.InvariantCulture);
        var likelihood = $"{W(LikelihoodWeight)}·NLL";
        return Game is null ? likelihood : $"{likelihood} + {W(AdversarialWeight)}·Adversarial({Game})";
    }

    /// <summary>Checks the weights of a record built with its constructor.</summary>
    internal void Check(string node)
    {
        foreach (var (name, parameter, w) in new[] { ("likelihood", nameof(LikelihoodWeight), LikelihoodWeight), ("adversarial", nameof(AdversarialWeight), AdversarialWeight) })
        {
            if (!(w >= 0) || double.IsInfinity(w))
            {
                throw new ArgumentOutOfRangeException(parameter, w, $"{node}: the {name} weight must be non-negative and finite.");
            }
        }

        if (LikelihoodWeight == 0 && AdversarialWeight == 0)
        {
            throw new ArgumentException($"{node}: both weights of {this} are 0, so the model would not learn.", nameof(AdversarialWeight));
        }
    }
}
