using System;
using Gen.Probability.Distributions;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// A product of K Householder reflections of vector events, f(x) = H_K ⋯ H_2 H_1 x with
/// H_k = I − 2 v_k v_kᵀ / ‖v_k‖²: an orthogonal map, so volume-preserving (log|det J| = 0). Each reflection is its
/// own inverse, so the inverse applies them in reverse order. Every orthogonal matrix is a product of at most D
/// reflections (a product of K has determinant (−1)^K), so this is a cheap learnable rotation between coupling
/// layers, and the orthogonal factor of <see cref="Sylvester"/> flows.
/// </summary>
/// <remarks>
/// <para>The vectors have shape [..., K, D]; leading dimensions (one set per data point for amortised flows)
/// broadcast against the input's. A module owns a [K, D] parameter, initialised randomly (not at zero) since
/// the map depends only on the directions, and builds <c>new Householder(vectors)</c> on each pass.</para>
/// <para>A zero vector gives no reflection (the identity) rather than NaN.</para>
/// </remarks>
public sealed class Householder : IBijector
{
    private readonly torch.Tensor vectors;

    /// <summary>Creates the map from its reflection vectors v_1 … v_K.</summary>
    /// <param name="vectors">Shape [..., K, D], K ≥ 1: the normals of the reflecting hyperplanes (need not be unit length).</param>
    /// <exception cref="GenShapeException">The vectors are not at least a matrix [K, D] with K, D ≥ 1.</exception>
    public Householder(torch.Tensor vectors)
    {
        this.vectors = vectors ?? throw new ArgumentNullException(nameof(vectors));
        if (vectors.dim() < 2 || vectors.shape[^1] < 1 || vectors.shape[^2] < 1)
        {
            throw new GenShapeException("householder", $"the vectors must have shape [..., K, D] with K, D >= 1, got {Shape.Format(vectors.shape)}.");
        }
    }

    /// <summary>D: the size of the vector events.</summary>
    public long Features => vectors.shape[^1];

    /// <summary>K: the number of reflections.</summary>
    public long Reflections => vectors.shape[^2];

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <inheritdoc/>
    public bool IsVolumePreserving => true;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    /// <summary>The orthogonal matrix M = H_K ⋯ H_1, of shape [..., D, D], with f(x) = M x.</summary>
    public torch.Tensor Matrix()
    {
        using var scope = torch.NewDisposeScope();
        // The rows of the identity, reflected, are the columns of M; one more axis lets the vectors broadcast over them.
        var rows = Reflect(torch.eye(Features, dtype: vectors.dtype, device: vectors.device), vectors.unsqueeze(-3), inverse: false);
        return rows.transpose(-1, -2).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override string ToString() => $"Householder({Features}, K={Reflections})";

    private Transformed Apply(torch.Tensor x, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Features }, "householder");
        using var scope = torch.NewDisposeScope();
        var y = Reflect(x, vectors, inverse);
        var ld = torch.zeros(y.shape[..^1], dtype: y.dtype, device: y.device);
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    private static torch.Tensor Reflect(torch.Tensor x, torch.Tensor vs, bool inverse)
    {
        // ‖v‖² floored at the smallest normal number: a zero v then contributes 0·(…) = 0, no reflection.
        var norms = vs.square().sum(-1, keepdim: true).clamp_min(DistMath.Tiny(vs.dtype));
        var scaled = 2 * vs / norms;
        long k = vs.shape[^2];
        var y = x;
        for (long i = 0; i < k; i++)
        {
            long j = inverse ? k - 1 - i : i;
            var v = vs.select(-2, j);
            y = y - (y * v).sum(-1, keepdim: true) * scaled.select(-2, j);
        }

        return y;
    }
}
