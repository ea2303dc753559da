using System;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The Dirichlet distribution on the probability simplex (event shape [K]). Samples are normalised gamma draws
/// (computed in log space), differentiable through libtorch's implicit gamma gradient; libtorch's
/// _sample_dirichlet has no derivative outside Python.
/// </summary>
public sealed class Dirichlet : Distribution, IDistribution
{
    /// <summary>Creates Dirichlet(<paramref name="concentration"/>), of shape batch ++ [K].</summary>
    public Dirichlet(torch.Tensor concentration)
        : base(BatchOf(concentration), new[] { concentration.shape[^1] })
    {
        Concentration = concentration;
        CheckParameter(concentration, "concentration", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    /// <summary>The concentrations α, of shape batch ++ [K].</summary>
    public torch.Tensor Concentration { get; }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean α / α₀.</summary>
    public torch.Tensor Mean
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (Concentration / Concentration.sum(-1, keepdim: true)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The elementwise variance α(α₀ − α) / (α₀² (α₀ + 1)).</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            var a = Concentration;
            var a0 = a.sum(-1, keepdim: true);
            return (a * (a0 - a) / (a0.square() * (a0 + 1))).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy log B(α) + (α₀ − K) ψ(α₀) − Σ (αᵢ − 1) ψ(αᵢ).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        var a = Concentration;
        var a0 = a.sum(-1);
        long k = a.shape[^1];
        var h = LogNormaliser(a) + (a0 - k) * a0.digamma() - ((a - 1) * a.digamma()).sum(-1);
        return h.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var x = DistMath.SampleDirichlet(Concentration.expand(ExtendedShape(sampleShape)), generator);
        return x.clamp_min(DistMath.Tiny(x.dtype)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        double tol = value.dtype == torch.ScalarType.Float64 ? 1e-9 : 1e-4;
        var positive = value.gt(0).all(-1);
        var inSupport = positive.logical_and((value.sum(-1) - 1).abs().le(tol));
        var x = value.where(value.gt(0), torch.ones_like(value));
        var lp = torch.xlogy(Concentration - 1, x).sum(-1) - LogNormaliser(Concentration);
        return MaskSupport(lp.unsqueeze(-1), value, inSupport.unsqueeze(-1), "the open simplex").squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>log B(α) = Σ log Γ(αᵢ) − log Γ(α₀).</summary>
    internal static torch.Tensor LogNormaliser(torch.Tensor a) => a.lgamma().sum(-1) - a.sum(-1).lgamma();

    private static long[] BatchOf(torch.Tensor concentration)
    {
        DistMath.RequireVector(concentration, "Dirichlet", "concentration");
        return concentration.shape[..^1];
    }
}
