using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The categorical distribution on {0, …, K−1}, from unnormalised logits or from non-negative weights (probabilities),
/// over the last dimension of the parameter. Values are integer indices (event rank 0). Not reparameterised.
/// </summary>
public sealed class Categorical : Distribution, IDistribution
{
    private readonly torch.Tensor? logits;
    private readonly torch.Tensor? probs;

    /// <summary>Creates the distribution from exactly one of <paramref name="logits"/> and <paramref name="probs"/> (shape batch ++ [K]).</summary>
    public Categorical(ByName byName = default, torch.Tensor? logits = null, torch.Tensor? probs = null)
        : base(BatchOf(logits, probs), Array.Empty<long>())
    {
        this.logits = logits;
        this.probs = probs;
        NumCategories = (logits ?? probs)!.shape[^1];
        if (logits is not null)
        {
            CheckParameter(logits, "logits", t => t.isnan().logical_not().logical_and(t.ne(double.PositiveInfinity)), "a number below +∞");
            using var scope = torch.NewDisposeScope();
            CheckParameter(logits.amax(new long[] { -1 }), "logits (largest over categories)", t => t.ne(double.NegativeInfinity), "above −∞ (at least one category possible)");
        }
        else
        {
            CheckParameter(probs!, "probs", t => t.ge(0).logical_and(t.isfinite()), "non-negative and finite");
            using var scope = torch.NewDisposeScope();
            CheckParameter(probs!.sum(-1), "probs (sum over categories)", t => t.gt(0), "positive");
        }
    }

    /// <summary>The number of categories K.</summary>
    public long NumCategories { get; }

    /// <summary>The normalised log-probabilities, of shape batch ++ [K].</summary>
    public torch.Tensor Logits
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var result = logits is not null ? logits.log_softmax(-1) : (probs! / probs!.sum(-1, keepdim: true)).log();
            return result.MoveToOuterDisposeScope();
        }
    }

    /// <summary>The normalised probabilities, of shape batch ++ [K].</summary>
    public torch.Tensor Probs
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var result = logits is not null ? logits.softmax(-1) : probs! / probs!.sum(-1, keepdim: true);
            return result.MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override bool IsReparameterized => false;

    /// <summary>The entropy −Σ p log p (terms with p = 0 contribute 0).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        // Not entr(p): its derivative at p = 0 is infinite and turns the gradient of a distribution with a masked-out
        // category (logit −∞) into NaN.
        return DistMath.Weighted(Probs, Logits).sum(-1).neg().MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var scope = torch.NewDisposeScope();
        var lp = Logits;
        var inSupport = value.ge(0).logical_and(value.lt(NumCategories)).logical_and(DistMath.IsInteger(value));
        // NaN (outside the support, masked below) would turn into a wild index: replace it before converting.
        var index = value.nan_to_num(0).clamp(0, NumCategories - 1).to_type(torch.int64).unsqueeze(-1);
        var shape = Shape.Broadcast(index.shape[..^1], BatchShape, Name);
        index = index.expand(shape.Append(1L).ToArray());
        var table = lp.expand(shape.Append(NumCategories).ToArray());
        var result = table.gather(-1, index).squeeze(-1);
        return MaskSupport(result, value, inSupport, $"{{0, …, {NumCategories - 1}}}").MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor SampleCore(long[] sampleShape, torch.Generator? generator)
    {
        using var scope = torch.NewDisposeScope();
        long draws = Shape.Numel(sampleShape);
        var table = Probs.reshape(-1, NumCategories);
        var idx = DeviceRandom.Multinomial(table, draws, true, generator); // [batch, draws]
        var result = idx.t().reshape(sampleShape.Concat(BatchShape).ToArray());
        return result.MoveToOuterDisposeScope();
    }

    private static long[] BatchOf(torch.Tensor? logits, torch.Tensor? probs)
    {
        if ((logits is null) == (probs is null))
        {
            throw new ArgumentException("Categorical: give exactly one of 'logits' and 'probs'.");
        }

        var t = (logits ?? probs)!;
        DistMath.RequireVector(t, "Categorical", logits is null ? "probs" : "logits");
        return t.shape[..^1];
    }
}
