using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The relaxed Bernoulli (binary Concrete, Maddison et al. 2017; Gumbel-sigmoid, Jang et al. 2017) on (0, 1):
/// y = σ((logits + L) / τ) with L standard logistic noise. Reparameterisable; as the temperature τ goes to 0 it
/// approaches a Bernoulli with the same logits.
/// </summary>
/// <remarks>
/// With v = logit y, the density is τ e^(l − τv) / (1 + e^(l − τv))² · 1/(y(1 − y)), computed in log space with
/// softplus so it stays finite for every logit and temperature.
/// </remarks>
public sealed class RelaxedBernoulli : Distribution, IDistribution
{
    private readonly BinaryParameter p;

    /// <summary>Creates the distribution from a temperature and logits or probabilities (give exactly one of the two).</summary>
    /// <param name="temperature">τ &gt; 0 (a tensor that broadcasts with the parameter).</param>
    /// <param name="byName">Never given: it makes the parameters after it named-only (<see cref="Distributions.ByName"/>).</param>
    /// <param name="logits">Logits of the Bernoulli it relaxes.</param>
    /// <param name="probs">Probabilities of the Bernoulli it relaxes.</param>
    public RelaxedBernoulli(torch.Tensor temperature, ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : this(temperature, new BinaryParameter(logits, probs, "RelaxedBernoulli"))
    {
    }

    private RelaxedBernoulli(torch.Tensor temperature, BinaryParameter p)
        : base(DistMath.BroadcastShapes("RelaxedBernoulli", [temperature ?? throw new ArgumentNullException(nameof(temperature)), p.Given]), Array.Empty<long>())
    {
        this.p = p;
        Temperature = temperature;
        p.Check(CheckParameter);
        CheckParameter(temperature, "temperature", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    /// <summary>τ.</summary>
    public torch.Tensor Temperature { get; }

    /// <summary>Logits of the Bernoulli it relaxes.</summary>
    public torch.Tensor Logits => p.Logits;

    /// <summary>Probabilities of the Bernoulli it relaxes.</summary>
    public torch.Tensor Probs => p.Probs;

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var y = value.to_type(p.Given.dtype);
        var inSupport = y.gt(0).logical_and(y.lt(1));
        var safe = torch.where(inSupport, y, torch.full_like(y, 0.5));
        var logY = safe.log();
        var log1mY = safe.neg().log1p();
        var diff = p.Logits - Temperature * (logY - log1mY);
        var lp = Temperature.log() + diff - 2 * DistMath.Softplus(diff) - logY - log1mY;
        return MaskSupport(lp, value, inSupport, "(0, 1)").MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        var u = DistMath.UniformOpen(shape, p.Given, generator).clamp_max(DistMath.BelowOne(p.Given.dtype));
        var logistic = u.log() - u.neg().log1p();
        var y = torch.sigmoid((p.Logits + logistic) / Temperature);
        // Keep samples strictly inside (0, 1), where the density is defined.
        double tiny = DistMath.Tiny(y.dtype);
        return y.clamp(tiny, DistMath.BelowOne(y.dtype)).MoveToOuterDisposeScope();
    }
}
