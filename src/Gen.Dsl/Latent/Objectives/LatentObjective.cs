using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// What a latent-variable model maximises in training, as a value that computes its own loss: the ELBO
/// (<see cref="Elbo"/>), or the importance-weighted bound of Burda et al. (2016) with k samples (<see cref="Iwae"/>),
/// optionally with the doubly reparameterised gradient of Tucker et al. (2019) (<see cref="IwaeDreg"/>). The KL weight
/// (β and its warm-up) and free bits are the spec's and reach the objective with each batch.
/// </summary>
public abstract record LatentObjective
{
    private protected LatentObjective()
    {
    }

    /// <summary>Importance samples k per data point (1 for the ELBO).</summary>
    public abstract int Samples { get; }

    /// <summary>Whether the encoder gets the doubly reparameterised (DReG) gradient instead of the plain pathwise one.</summary>
    public virtual bool Dreg => false;

    /// <summary>Whether this is the ELBO (one sample, plain gradient), which allows the analytic KL and free bits.</summary>
    public bool IsElbo => this is ElboObjective;

    /// <summary>The evidence lower bound, one posterior sample per data point.</summary>
    public static LatentObjective Elbo() => new ElboObjective();

    /// <summary>The IWAE bound log (1/k) Σᵢ p(x, zᵢ) / q(zᵢ|x), zᵢ ~ q(z|x), with the plain reparameterised gradient.</summary>
    /// <param name="k">Importance samples per data point, at least 1; k = 1 is the ELBO, and gives <see cref="Elbo"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public static LatentObjective Iwae(int k) => CheckSamples(k) == 1 ? Elbo() : new IwaeObjective(k);

    /// <summary>
    /// The IWAE bound with the doubly reparameterised gradient estimator (DReG, Tucker et al. 2019). The decoder gets the
    /// usual gradient Σᵢ w̃ᵢ ∇ log wᵢ. The encoder gets Σᵢ w̃ᵢ² (∂ log wᵢ / ∂zᵢ)(∂zᵢ / ∂φ), where log q inside log wᵢ is
    /// evaluated with the posterior's parameters held fixed, so only the path through the samples zᵢ carries gradient,
    /// and w̃ᵢ are the normalised importance weights. It is unbiased for the same gradient, and unlike the plain
    /// estimator its signal-to-noise ratio does not vanish as k grows.
    /// </summary>
    /// <param name="k">Importance samples per data point, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is below 1.</exception>
    public static LatentObjective IwaeDreg(int k) => new IwaeDregObjective(CheckSamples(k));

    /// <summary>
    /// The training loss of a batch, a scalar to minimise, from the model's parts: its encoder's output
    /// <paramref name="encoded"/> for <paramref name="x"/>, the KL weight of the step and the free bits.
    /// </summary>
    internal abstract torch.Tensor Loss(VaeModel model, torch.Tensor encoded, torch.Tensor x, double klWeight, double freeBits, torch.Generator? generator);

    internal static int CheckSamples(int k, string name = "k")
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(name, k, $"The number of samples '{name}' must be at least 1, got {k}.");
        }

        return k;
    }
}
