using System;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The Fréchet distance between the Gaussians fitted to two sets of features (the squared 2-Wasserstein distance
/// between them): ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½. On the features of an image classifier it is the
/// FID of Heusel et al. (2017) when the classifier is Inception; Gen computes it on the features of any network you
/// give (state which: values on different features are not comparable).
/// </summary>
/// <remarks>
/// Computed in float64 through symmetric eigendecompositions alone: Σ₁^½ from Σ₁'s eigenvectors, then the eigenvalues
/// of the symmetric Σ₁^½ Σ₂ Σ₁^½, each clamped at zero before its square root. Nothing is inverted, so covariances
/// that are singular or nearly so (fewer examples than features, constant features) give a finite, non-negative
/// distance rather than the complex values or NaN of a general matrix square root.
/// </remarks>
public static class FrechetDistance
{
    private const string Node = "frechet_distance";

    /// <summary>The distance between the Gaussians fitted to two feature sets, each [n, d] with n ≥ 2 (any dtype, any device).</summary>
    /// <param name="a">The first set's features, one row per example.</param>
    /// <param name="b">The second set's features.</param>
    /// <exception cref="GenShapeException">A set is not [n, d] with n ≥ 2, or the widths differ.</exception>
    /// <exception cref="ArgumentException">A feature is NaN or infinite.</exception>
    public static double Between(torch.Tensor a, torch.Tensor b)
    {
        using var scope = torch.NewDisposeScope();
        var (x, y) = FeatureSets.Check(Node, a, b, minimumRows: 2);
        var (muA, covA) = Moments(x);
        var (muB, covB) = Moments(y);
        return Compute(muA, covA, muB, covB);
    }

    /// <summary>The distance between N(μ₁, Σ₁) and N(μ₂, Σ₂), given as tensors [d] and [d, d] (symmetric, positive semi-definite).</summary>
    /// <param name="mean1">μ₁.</param>
    /// <param name="covariance1">Σ₁.</param>
    /// <param name="mean2">μ₂.</param>
    /// <param name="covariance2">Σ₂.</param>
    /// <exception cref="GenShapeException">The shapes do not fit together.</exception>
    public static double OfGaussians(torch.Tensor mean1, torch.Tensor covariance1, torch.Tensor mean2, torch.Tensor covariance2)
    {
        ArgumentNullException.ThrowIfNull(mean1);
        ArgumentNullException.ThrowIfNull(covariance1);
        ArgumentNullException.ThrowIfNull(mean2);
        ArgumentNullException.ThrowIfNull(covariance2);
        long d = mean1.shape.Length == 1 ? mean1.shape[0] : -1;
        foreach (var (t, name, rank) in new[] { (mean2, "mean2", 1), (covariance1, "covariance1", 2), (covariance2, "covariance2", 2) })
        {
            if (d < 1 || t.dim() != rank || t.shape[0] != d || (rank == 2 && t.shape[1] != d))
            {
                throw new GenShapeException($"{Node}.{name}", $"expects means [d] and covariances [d, d] of one d, got mean1 {Shape.Format(mean1.shape)} and {name} {Shape.Format(t.shape)}.");
            }
        }

        using var scope = torch.NewDisposeScope();
        return Compute(F64(mean1), F64(covariance1), F64(mean2), F64(covariance2));
    }

    private static torch.Tensor F64(torch.Tensor t) => t.detach().to(torch.float64, torch.CPU);

    // The mean and the unbiased covariance of the rows.
    private static (torch.Tensor Mean, torch.Tensor Covariance) Moments(torch.Tensor x)
    {
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        return (mean, centred.t().matmul(centred) / (x.shape[0] - 1));
    }

    private static double Compute(torch.Tensor mu1, torch.Tensor cov1, torch.Tensor mu2, torch.Tensor cov2)
    {
        var root1 = SquareRoot(cov1);
        var middle = root1.matmul(Symmetric(cov2)).matmul(root1);
        var (eigenvalues, _) = torch.linalg.eigh(Symmetric(middle));
        double crossTrace = eigenvalues.clamp_min(0).sqrt().sum().item<double>();
        double value = (mu1 - mu2).square().sum().item<double>() + cov1.trace().item<double>() + cov2.trace().item<double>() - (2 * crossTrace);
        // The three traces cancel to rounding for equal laws; a distance is never negative.
        return Math.Max(0, value);
    }

    private static torch.Tensor Symmetric(torch.Tensor m) => (m + m.t()) / 2;

    // The positive semi-definite square root of a symmetric matrix: V diag(√max(λ, 0)) Vᵀ.
    private static torch.Tensor SquareRoot(torch.Tensor m)
    {
        var (values, vectors) = torch.linalg.eigh(Symmetric(m));
        return (vectors * values.clamp_min(0).sqrt()).matmul(vectors.t());
    }
}
