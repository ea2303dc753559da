using System;

namespace Gen.Dsl;

/// <summary>
/// What a latent-variable model maximises in training: the ELBO, or the importance-weighted bound of Burda et al.
/// (2016) with k samples, optionally with the doubly reparameterised gradient of Tucker et al. (2019).
/// </summary>
/// <param name="Samples">Importance samples k per data point (1 for the ELBO).</param>
/// <param name="Dreg">Whether the encoder gets the doubly reparameterised (DReG) gradient instead of the plain pathwise one.</param>
public sealed record LatentObjective(int Samples, bool Dreg)
{
    /// <summary>The evidence lower bound, one posterior sample per data point.</summary>
    public static LatentObjective Elbo() => new(1, Dreg: false);

    /// <summary>The IWAE bound log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ|x), zᵢ ~ q(z|x), with the plain reparameterised gradient.</summary>
    /// <param name="k">Importance samples per data point, at least 1 (k = 1 is the ELBO).</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public static LatentObjective Iwae(int k) => new(CheckSamples(k), Dreg: false);

    /// <summary>
    /// The IWAE bound with the doubly reparameterised gradient estimator (DReG, Tucker et al. 2019). The decoder gets the
    /// usual gradient Σᵢ w̃ᵢ ∇ log wᵢ. The encoder gets Σᵢ w̃ᵢ² (∂ log wᵢ / ∂zᵢ)(∂zᵢ / ∂φ), where log q inside log wᵢ is
    /// evaluated with the posterior's parameters held fixed, so only the path through the samples zᵢ carries gradient,
    /// and w̃ᵢ are the normalised importance weights. It is unbiased for the same gradient, and unlike the plain
    /// estimator its signal-to-noise ratio does not vanish as k grows.
    /// </summary>
    /// <param name="k">Importance samples per data point, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public static LatentObjective IwaeDreg(int k) => new(CheckSamples(k), Dreg: true);

    /// <summary>Whether this is the ELBO (one sample, plain gradient), which allows the analytic KL and free bits.</summary>
    public bool IsElbo => Samples == 1 && !Dreg;

    /// <inheritdoc/>
    public override string ToString() => IsElbo ? "Elbo" : Dreg ? $"IwaeDreg(k: {Samples})" : $"Iwae(k: {Samples})";

    internal static int CheckSamples(int k, string name = "k")
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(name, k, $"The number of samples '{name}' must be at least 1, got {k}.");
        }

        return k;
    }
}
