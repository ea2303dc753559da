namespace Gen.Dsl;

/// <summary>Factories for training objectives.</summary>
public static partial class Objective
{
    /// <summary>The original, saturating minimax GAN loss (<see cref="MinimaxLoss"/>).</summary>
    public static MinimaxLoss Minimax { get; } = new();

    /// <summary>The non-saturating GAN loss (<see cref="NonSaturatingLoss"/>), the usual choice for logistic discriminators.</summary>
    public static NonSaturatingLoss NonSaturating { get; } = new();

    /// <summary>The least-squares GAN loss (<see cref="LeastSquaresLoss"/>).</summary>
    public static LeastSquaresLoss LeastSquares { get; } = new();

    /// <summary>
    /// The Wasserstein critic loss without a Lipschitz constraint (<see cref="WassersteinLoss"/>); add
    /// <c>10 * Penalty.GradientPenalty</c> (WGAN-GP), use spectral normalisation, or clip with <see cref="WassersteinClipped"/>.
    /// </summary>
    public static WassersteinLoss Wasserstein { get; } = new((double?)null);

    /// <summary>The hinge loss (<see cref="HingeLoss"/>).</summary>
    public static HingeLoss Hinge { get; } = new();

    /// <summary>The original WGAN: the Wasserstein loss with every critic weight clipped to [−c, c] after each critic update.</summary>
    /// <param name="clip">The bound c (0.01 in the paper).</param>
    /// <exception cref="System.ArgumentOutOfRangeException">The bound is not positive and finite.</exception>
    public static WassersteinLoss WassersteinClipped(double clip) => Wasserstein.WithClipping(clip);

    /// <summary>
    /// The negative log-likelihood with weight 1 and no adversarial term, to combine with <see cref="Adversarial"/>:
    /// <c>Objective.Likelihood + 0.1 * Objective.Adversarial(Objective.NonSaturating)</c> (<see cref="HybridObjective"/>).
    /// </summary>
    public static HybridObjective Likelihood { get; } = new(1, 0, null);

    /// <summary>
    /// The adversarial term alone, with weight 1: the model minimises <paramref name="game"/>'s generator loss and the
    /// critic its discriminator loss. Add <see cref="Likelihood"/> for a hybrid (<see cref="HybridObjective"/>).
    /// </summary>
    /// <param name="game">Both players' losses, for example <c>Objective.NonSaturating + Penalty.R1</c>.</param>
    public static HybridObjective Adversarial(AdversarialLoss game)
    {
        System.ArgumentNullException.ThrowIfNull(game);
        return new HybridObjective(0, 1, game);
    }
}
