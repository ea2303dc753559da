using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// A multivariate normal whose covariance is low rank plus diagonal, Σ = W Wᵀ + diag(d), with W of shape [..., D, R].
/// Densities cost O(D R²) rather than O(D³): the Woodbury identity gives the Mahalanobis term and the matrix
/// determinant lemma the log-determinant, both through the Cholesky factor of the R × R capacitance I + Wᵀ diag(d)⁻¹ W.
/// </summary>
public sealed class LowRankMultivariateNormal : Distribution, IDistribution
{
    /// <summary>Creates the distribution.</summary>
    /// <param name="loc">[..., D] mean.</param>
    /// <param name="covarianceFactor">[..., D, R] factor W.</param>
    /// <param name="covarianceDiagonal">[..., D] positive diagonal d.</param>
    /// <exception cref="GenShapeException">The shapes do not agree.</exception>
    public LowRankMultivariateNormal(torch.Tensor loc, torch.Tensor covarianceFactor, torch.Tensor covarianceDiagonal)
        : base(BatchOf(loc, covarianceFactor, covarianceDiagonal), new[] { loc.shape[^1] })
    {
        Loc = loc;
        CovarianceFactor = covarianceFactor;
        CovarianceDiagonal = covarianceDiagonal;
        CheckParameter(loc, "loc", t => t.isfinite(), "finite");
        CheckParameter(covarianceFactor, "covarianceFactor", t => t.isfinite(), "finite");
        CheckParameter(covarianceDiagonal, "covarianceDiagonal", t => t.gt(0).logical_and(t.isfinite()), "positive and finite");
    }

    /// <summary>The mean, [..., D].</summary>
    public torch.Tensor Loc { get; }

    /// <summary>W, [..., D, R].</summary>
    public torch.Tensor CovarianceFactor { get; }

    /// <summary>d, [..., D].</summary>
    public torch.Tensor CovarianceDiagonal { get; }

    /// <summary>Σ = W Wᵀ + diag(d), [..., D, D] (materialised: O(D²) memory).</summary>
    public torch.Tensor Covariance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (CovarianceFactor.matmul(CovarianceFactor.mT) + torch.diag_embed(CovarianceDiagonal)).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <inheritdoc/>
    public torch.Tensor Mean => Loc.expand(BatchShape.Concat(EventShape).ToArray());

    /// <inheritdoc/>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return (CovarianceFactor.square().sum(-1) + CovarianceDiagonal).expand(BatchShape.Concat(EventShape).ToArray()).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The differential entropy, ½ (D (1 + log 2π) + log det Σ).</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        long d = EventShape[0];
        var (_, logDet) = Capacitance();
        return (0.5 * (d * (1 + DistMath.Log2Pi) + logDet)).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var shape = ExtendedShape(sampleShape);
        long r = CovarianceFactor.shape[^1];
        var epsD = DistMath.Normal(shape, Loc, generator);
        var epsR = DistMath.Normal(shape[..^1].Append(r).ToArray(), Loc, generator);
        var x = Loc + CovarianceFactor.matmul(epsR.unsqueeze(-1)).squeeze(-1) + CovarianceDiagonal.sqrt() * epsD;
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        long d = EventShape[0];
        var diff = value - Loc;
        var (cholesky, logDet) = Capacitance();
        // Woodbury: xᵀΣ⁻¹x = xᵀD⁻¹x − (WᵀD⁻¹x)ᵀ C⁻¹ (WᵀD⁻¹x), with C = L Lᵀ.
        var scaled = diff / CovarianceDiagonal;
        var projected = CovarianceFactor.mT.matmul(scaled.unsqueeze(-1));            // [..., R, 1]
        var lead = Shape.Broadcast(projected.shape[..^2], cholesky.shape[..^2]);
        long r = cholesky.shape[^1];
        var solved = torch.linalg.solve_triangular(
            cholesky.expand(lead.Concat(new[] { r, r }).ToArray()),
            projected.expand(lead.Concat(new[] { r, 1L }).ToArray()),
            upper: false);
        var maha = (diff * scaled).sum(-1) - solved.squeeze(-1).square().sum(-1);
        return (-0.5 * (d * DistMath.Log2Pi + maha + logDet)).MoveToOuterDisposeScope();
    }

    // The Cholesky factor of the capacitance I + Wᵀ D⁻¹ W, and log det Σ = log det C + Σ log d.
    private (torch.Tensor Cholesky, torch.Tensor LogDet) Capacitance()
    {
        long r = CovarianceFactor.shape[^1];
        var wtDinv = CovarianceFactor.mT / CovarianceDiagonal.unsqueeze(-2);
        var capacitance = torch.eye(r, dtype: Loc.dtype, device: Loc.device) + wtDinv.matmul(CovarianceFactor);
        var cholesky = torch.linalg.cholesky(capacitance);
        var logDet = 2 * cholesky.diagonal(0, -2, -1).log().sum(-1) + CovarianceDiagonal.log().sum(-1);
        return (cholesky, logDet);
    }

    private static long[] BatchOf(torch.Tensor loc, torch.Tensor factor, torch.Tensor diagonal)
    {
        DistMath.RequireVector(loc, "LowRankMultivariateNormal", "loc");
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(diagonal);
        long d = loc.shape[^1];
        if (factor.dim() < 2 || factor.shape[^2] != d || factor.shape[^1] < 1)
        {
            throw new GenShapeException("LowRankMultivariateNormal", $"covarianceFactor must have shape batch ++ [D, R] with D = {d} (loc's last dimension) and R ≥ 1, got {Shape.Format(factor.shape)}.");
        }

        if (diagonal.dim() < 1 || diagonal.shape[^1] != d)
        {
            throw new GenShapeException("LowRankMultivariateNormal", $"covarianceDiagonal must have shape batch ++ [{d}], got {Shape.Format(diagonal.shape)}.");
        }

        return Shape.Broadcast(Shape.Broadcast(loc.shape[..^1], factor.shape[..^2], "LowRankMultivariateNormal"), diagonal.shape[..^1], "LowRankMultivariateNormal");
    }
}
