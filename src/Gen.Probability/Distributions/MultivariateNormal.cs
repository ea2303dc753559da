using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Distributions;

/// <summary>
/// The multivariate normal distribution N(loc, L Lᵀ) with event shape [D], parameterised by the lower-triangular
/// Cholesky factor L of the covariance (positive diagonal). Log-densities use one triangular solve; reparameterised.
/// </summary>
public sealed class MultivariateNormal : Distribution, IDistribution
{
    /// <summary>Creates N(<paramref name="loc"/>, L Lᵀ) from <paramref name="scaleTril"/> = L, of shape batch ++ [D, D].</summary>
    /// <exception cref="GenShapeException">loc's last dimension differs from L's size, or L is not square.</exception>
    /// <exception cref="ArgumentException">With validation on: L has an entry above the diagonal that is not zero, an entry that is not finite, or a diagonal entry that is not positive.</exception>
    public MultivariateNormal(torch.Tensor loc, torch.Tensor scaleTril)
        : base(BatchOf(loc, scaleTril), new[] { loc.shape[^1] })
    {
        Loc = loc;
        ScaleTril = scaleTril;
        CheckParameter(loc, "loc", t => t.isfinite(), "finite");
        using var scope = torch.NewDisposeScope();
        // Log-densities read only L's lower triangle while samples and the covariance use all of it: an entry above
        // the diagonal would make the two disagree silently.
        CheckParameter(scaleTril, "scaleTril", t => t.isfinite().logical_and(t.triu(1).eq(0)), "finite and lower-triangular (zero above the diagonal)");
        CheckParameter(scaleTril.diagonal(0, -2, -1), "scaleTril (diagonal)", t => t.gt(0), "positive");
    }

    /// <summary>Creates N(<paramref name="loc"/>, <paramref name="covariance"/>) through a Cholesky factorisation.</summary>
    public static MultivariateNormal FromCovariance(torch.Tensor loc, torch.Tensor covariance)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        return new MultivariateNormal(loc, torch.linalg.cholesky(covariance));
    }

    /// <summary>The mean, of shape batch ++ [D] (as given; it may broadcast).</summary>
    public torch.Tensor Loc { get; }

    /// <summary>The lower-triangular Cholesky factor L of the covariance.</summary>
    public torch.Tensor ScaleTril { get; }

    /// <summary>The covariance L Lᵀ.</summary>
    public torch.Tensor Covariance => ScaleTril.matmul(ScaleTril.mT);

    /// <inheritdoc/>
    public override bool IsReparameterized => true;

    /// <summary>The mean, of shape batch ++ [D].</summary>
    public torch.Tensor Mean => Loc.expand(BatchShape.Concat(EventShape).ToArray());

    /// <summary>The marginal variances (the diagonal of the covariance), of shape batch ++ [D].</summary>
    public torch.Tensor Variance
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return ScaleTril.square().sum(-1).expand(BatchShape.Concat(EventShape).ToArray()).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The entropy ½ D (1 + log 2π) + log det L.</summary>
    public torch.Tensor Entropy()
    {
        using var scope = torch.NewDisposeScope();
        long d = EventShape[0];
        return (HalfLogDet(ScaleTril) + 0.5 * d * (1 + DistMath.Log2Pi)).expand(BatchShape).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor RSample(long[] sampleShape, torch.Generator? generator = null)
    {
        using var scope = torch.NewDisposeScope();
        var eps = DistMath.Normal(ExtendedShape(sampleShape), Loc, generator);
        return (Loc + ScaleTril.matmul(eps.unsqueeze(-1)).squeeze(-1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override torch.Tensor LogProb(torch.Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Shape.CheckTrailing(value, EventShape, Name);
        using var scope = torch.NewDisposeScope();
        long d = EventShape[0];
        var maha = Mahalanobis(ScaleTril, value - Loc);
        return (-0.5 * (d * DistMath.Log2Pi + maha) - HalfLogDet(ScaleTril)).MoveToOuterDisposeScope();
    }

    /// <summary>|L⁻¹ x|², broadcasting L's batch dimensions against x's leading ones.</summary>
    internal static torch.Tensor Mahalanobis(torch.Tensor scaleTril, torch.Tensor x)
    {
        var lead = Shape.Broadcast(x.shape[..^1], scaleTril.shape[..^2]);
        long d = x.shape[^1];
        var l = scaleTril.expand(lead.Concat(new[] { d, d }).ToArray());
        var b = x.expand(lead.Append(d).ToArray()).unsqueeze(-1);
        var z = torch.linalg.solve_triangular(l, b, upper: false);
        return z.squeeze(-1).square().sum(-1);
    }

    /// <summary>log det L = Σ log Lᵢᵢ (half the log-determinant of the covariance).</summary>
    internal static torch.Tensor HalfLogDet(torch.Tensor scaleTril) => scaleTril.diagonal(0, -2, -1).log().sum(-1);

    private static long[] BatchOf(torch.Tensor loc, torch.Tensor scaleTril)
    {
        DistMath.RequireVector(loc, "MultivariateNormal", "loc");
        ArgumentNullException.ThrowIfNull(scaleTril);
        if (scaleTril.dim() < 2 || scaleTril.shape[^1] != scaleTril.shape[^2] || scaleTril.shape[^1] != loc.shape[^1])
        {
            throw new GenShapeException("MultivariateNormal", $"scaleTril must have shape batch ++ [D, D] with D = {loc.shape[^1]} (loc's last dimension), got {Shape.Format(scaleTril.shape)}.");
        }

        return Shape.Broadcast(loc.shape[..^1], scaleTril.shape[..^2], "MultivariateNormal");
    }
}
