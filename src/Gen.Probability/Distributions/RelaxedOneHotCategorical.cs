using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The relaxed one-hot categorical (Concrete, Maddison et al. 2017; Gumbel-softmax, Jang et al. 2017) on the open
/// simplex: y = softmax((logits + G) / τ) with G standard Gumbel noise. Reparameterisable; as τ goes to 0 it approaches
/// a one-hot categorical with the same logits.
/// </summary>
/// <remarks>
/// The density, with respect to Lebesgue measure on the first K − 1 coordinates of the simplex, is
/// (K − 1)! τ^(K−1) Π_k α_k y_k^(−τ−1) / (Σ_i α_i y_i^(−τ))^K with α = exp(logits), evaluated in log space
/// (log-sum-exp), so it stays finite for every logit and temperature.
/// </remarks>
public sealed class RelaxedOneHotCategorical : Distribution, IDistribution
{
    private readonly Categorical categorical;

    /// <summary>Creates the distribution from a temperature and logits or probabilities over the last dimension.</summary>
    /// <param name="temperature">τ &gt; 0 (a tensor that broadcasts with the batch shape).</param>
    /// <param name="byName">Never given: it makes the parameters after it named-only (<see cref="Distributions.ByName"/>).</param>
    /// <param name="logits">[..., K] unnormalised log-probabilities of the categorical it relaxes.</param>
    /// <param name="probs">[..., K] probabilities of the categorical it relaxes.</param>
    public RelaxedOneHotCategorical(torch.Tensor temperature, ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(temperature, new Categorical(logits: logits, probs: probs))
    {
    }

    private RelaxedOneHotCategorical(torch.Tensor temperature, Categorical categorical)
        : base(BatchOf(temperature, categorical), new[] { categorical.NumCategories })
    {
        this.categorical = categorical;
        Temperature = temperature;
        CheckParameter(temperature, "temperature", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    // The temperature's shape and the categorical's batch shape, broadcast: one distribution per pair, each with its own
    // noise when sampled.
    private static long[] BatchOf(torch.Tensor temperature, Categorical categorical)
    {
        ArgumentNullException.ThrowIfNull(temperature);
        return Shape.Broadcast(temperature.shape, categorical.BatchShape, "RelaxedOneHotCategorical");
    }

    /// <summary>τ.</summary>
    public torch.Tensor Temperature { get; }

    /// <summary>Normalised logits (log-probabilities) of the categorical it relaxes, [..., K].</summary>
    public torch.Tensor Logits => categorical.Logits;

    /// <summary>Probabilities of the categorical it relaxes, [..., K].</summary>
    public torch.Tensor Probs => categorical.Probs;

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        var y = value.to_type(Logits.dtype);
        long k = EventShape[0];
        var positive = y.gt(0).all(-1);
        var onSimplex = positive.logical_and((y.sum(-1) - 1).abs().le(1e-6 * k));
        var logY = torch.where(positive.unsqueeze(-1), y, torch.full_like(y, 1.0 / k)).log();
        var tau = Temperature.unsqueeze(-1);
        var logits = Logits;
        var lp = LogFactorial(k - 1) + (k - 1) * Temperature.log()
                 + (logits - (tau + 1) * logY).sum(-1)
                 - k * (logits - tau * logY).logsumexp(-1);
        return MaskSupport(lp.unsqueeze(-1), value, onSimplex.unsqueeze(-1), "the open simplex").squeeze(-1).MoveToOuterDisposeScope();
    }

    private static double LogFactorial(long n)
    {
        double sum = 0;
        for (long i = 2; i <= n; i++)
        {
            sum += Math.Log(i);
        }

        return sum;
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var u = DistMath.UniformOpen(shape, Logits, generator).clamp_max(DistMath.BelowOne(Logits.dtype));
        var gumbel = -(-u.log()).log();
        var y = torch.softmax((Logits + gumbel) / Temperature.unsqueeze(-1), -1);
        // Keep every coordinate positive, where the density is defined; renormalise after the floor.
        y = y.clamp_min(DistMath.Tiny(y.dtype));
        return (y / y.sum(-1, keepdim: true)).MoveToOuterDisposeScope();
    }
}
