using System;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// The Sylvester flow of van den Berg et al. (2018), "Sylvester normalizing flows for variational inference":
/// f(z) = z + Q R tanh(R̃ Qᵀ z + b), with Q a D×M matrix of orthonormal columns (M ≤ D) and R, R̃ upper
/// triangular M×M. By Sylvester's determinant identity,
/// log|det ∂f/∂z| = Σᵢ log(1 + (1 − tanh²(aᵢ)) r_ii r̃_ii), a = R̃ Qᵀ z + b: the triangular diagonals alone.
/// </summary>
/// <remarks>
/// <para>Parameters: the diagonals of R and R̃ pass through tanh, so r_ii r̃_ii ∈ (−1, 1) and the map is invertible
/// for any values (the paper's sufficient condition r_ii r̃_ii &gt; −1); only their strictly upper parts are used
/// otherwise. In floating point the product rounds to −1 when raw diagonals of opposite sign pass about ±9 (float32)
/// or ±19 (float64), and the computed map is then flat where the tanh argument is 0; the log-determinant is computed
/// without that rounding and stays accurate. Q must have orthonormal columns (not checked, to avoid a synchronisation per pass):
/// <see cref="FromHouseholder"/> builds it from Householder reflections (the paper's H-SNF, M = D), and
/// <see cref="Orthonormalise"/> makes any full-rank matrix orthonormal by the paper's iteration (O-SNF). All
/// parameters may carry leading batch dimensions (amortised flows, as an encoder produces them): Q [..., D, M],
/// R and R̃ [..., M, M], b [..., M], broadcasting against the input's leading dimensions. A module or encoder
/// builds <c>Sylvester.FromHouseholder(vectors, r, rTilde, b)</c> or <c>new Sylvester(q, r, rTilde, b)</c> per pass.</para>
/// <para>The inverse has no closed form but is exact up to rounding: in the coordinates w = Qᵀz, the map is
/// w' = w + R tanh(R̃ w + b), which is upper triangular, so w is recovered one component at a time from the last,
/// each a scalar monotone equation wᵢ + r_ii tanh(r̃_ii wᵢ + cᵢ) = tᵢ solved by bracketed Newton iterations (as
/// <see cref="Planar"/>'s inverse); the part of z orthogonal to Q's columns is unchanged. The result is
/// differentiable in the input and the parameters. It costs M sequential solves, so sampling and
/// <c>SampleAndLogProb</c>, which use only the forward direction, are the cheap directions.</para>
/// </remarks>
public sealed class Sylvester : IBijector
{
    private readonly torch.Tensor q;
    private readonly torch.Tensor r;
    private readonly torch.Tensor rTilde;
    private readonly torch.Tensor b;

    /// <summary>Creates the map from its parameters.</summary>
    /// <param name="q">[..., D, M] with orthonormal columns, M ≤ D.</param>
    /// <param name="r">[..., M, M]: R is its strictly upper part plus tanh of its diagonal.</param>
    /// <param name="rTilde">[..., M, M]: R̃, formed as R.</param>
    /// <param name="b">[..., M]: the offset.</param>
    /// <exception cref="GenShapeException">The shapes do not agree.</exception>
    public Sylvester(torch.Tensor q, torch.Tensor r, torch.Tensor rTilde, torch.Tensor b)
    {
        this.q = q ?? throw new ArgumentNullException(nameof(q));
        this.r = r ?? throw new ArgumentNullException(nameof(r));
        this.rTilde = rTilde ?? throw new ArgumentNullException(nameof(rTilde));
        this.b = b ?? throw new ArgumentNullException(nameof(b));
        bool ok = q.dim() >= 2 && q.shape[^1] >= 1 && q.shape[^1] <= q.shape[^2]
                  && IsSquare(r, q.shape[^1]) && IsSquare(rTilde, q.shape[^1])
                  && b.dim() >= 1 && b.shape[^1] == q.shape[^1];
        if (!ok)
        {
            throw new GenShapeException("sylvester", $"expects q [..., D, M] with 1 <= M <= D, r and rTilde [..., M, M] and b [..., M]; got {Shape.Format(q.shape)}, {Shape.Format(r.shape)}, {Shape.Format(rTilde.shape)} and {Shape.Format(b.shape)}.");
        }
    }

    /// <summary>The Householder variant (H-SNF): Q = H_K ⋯ H_1 from reflection vectors (see <see cref="Householder"/>), M = D.</summary>
    /// <param name="vectors">[..., K, D]: the reflection vectors.</param>
    /// <param name="r">[..., D, D]: R as in the constructor.</param>
    /// <param name="rTilde">[..., D, D]: R̃ as in the constructor.</param>
    /// <param name="b">[..., D]: the offset.</param>
    public static Sylvester FromHouseholder(torch.Tensor vectors, torch.Tensor r, torch.Tensor rTilde, torch.Tensor b) =>
        new(new Householder(vectors).Matrix(), r, rTilde, b);

    /// <summary>
    /// Makes the columns of a full-rank [..., D, M] matrix orthonormal by the iteration the paper uses for O-SNF,
    /// Q ← Q (I + ½(I − QᵀQ)), after scaling Q by its Frobenius norm so that it converges. Differentiable.
    /// </summary>
    /// <param name="matrix">[..., D, M] with M ≤ D and linearly independent columns.</param>
    /// <param name="maxIterations">The most iterations; convergence is checked every 5.</param>
    /// <exception cref="ArgumentException">The iteration did not converge (nearly dependent columns).</exception>
    public static torch.Tensor Orthonormalise(torch.Tensor matrix, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.dim() < 2 || matrix.shape[^1] > matrix.shape[^2])
        {
            throw new GenShapeException("sylvester.orthonormalise", $"expects a matrix [..., D, M] with M <= D, got {Shape.Format(matrix.shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        double tolerance = matrix.dtype == torch.ScalarType.Float64 ? 1e-13 : 1e-6;
        var identity = torch.eye(matrix.shape[^1], dtype: matrix.dtype, device: matrix.device);
        var current = matrix / torch.linalg.matrix_norm(matrix).unsqueeze(-1).unsqueeze(-1);
        for (int i = 1; i <= maxIterations; i++)
        {
            var defect = identity - current.transpose(-1, -2).matmul(current);
            if (i % 5 == 1 && defect.abs().max().item<double>() < tolerance)
            {
                return current.MoveToOuterDisposeScope();
            }

            current = current.matmul(identity + 0.5 * defect);
        }

        throw new ArgumentException($"sylvester.orthonormalise: no convergence in {maxIterations} iterations; the columns of the {Shape.Format(matrix.shape)} matrix are (nearly) linearly dependent.", nameof(matrix));
    }

    /// <summary>D: the size of the vector events.</summary>
    public long Features => q.shape[^2];

    /// <summary>M: the number of orthonormal directions the map acts along.</summary>
    public long Directions => q.shape[^1];

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x)
    {
        CheckInput(x);
        using var scope = torch.NewDisposeScope();
        var w = Rotate(x);
        var a = MatVec(Triangular(rTilde), w) + b;
        var t = torch.tanh(a);
        var y = x + MatVec(q, MatVec(Triangular(r), t));
        return new Transformed(y.MoveToOuterDisposeScope(), LogDet(t).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y)
    {
        CheckInput(y);
        using var scope = torch.NewDisposeScope();
        var upper = Triangular(r);
        var upperTilde = Triangular(rTilde);
        var target = Rotate(y);
        long m = Directions;

        // Components m−1 … 0 of w; each needs only those after it.
        torch.Tensor? solved = null;
        torch.Tensor? tanhs = null;
        for (long i = m - 1; i >= 0; i--)
        {
            var rowR = upper.select(-2, i);
            var rowRt = upperTilde.select(-2, i);
            var offset = b.select(-1, i);
            var rhs = target.select(-1, i);
            if (solved is not null)
            {
                long later = m - 1 - i;
                offset = offset + (rowRt.narrow(-1, i + 1, later) * solved).sum(-1);
                rhs = rhs - (rowR.narrow(-1, i + 1, later) * tanhs!).sum(-1);
            }

            var slope = rowRt.select(-1, i);
            var wi = TanhRoot.Solve(rhs, rowR.select(-1, i), slope, offset);
            var ti = torch.tanh(slope * wi + offset);
            solved = solved is null ? wi.unsqueeze(-1) : torch.cat(new[] { wi.unsqueeze(-1), solved }, -1);
            tanhs = tanhs is null ? ti.unsqueeze(-1) : torch.cat(new[] { ti.unsqueeze(-1), tanhs }, -1);
        }

        // z = y − Q (w' − w): only the component along Q's columns moved.
        var x = y - MatVec(q, target - solved!);
        return new Transformed(x.MoveToOuterDisposeScope(), (-LogDet(tanhs!)).MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString() => $"Sylvester({Features}, M={Directions})";

    /// <summary>
    /// Σᵢ log(1 + (1 − tᵢ²) r_ii r̃_ii), positive inside the log as |r_ii r̃_ii| &lt; 1. For raw diagonals p, q of
    /// opposite sign beyond about ±9 (float32) the product tanh p·tanh q rounds to −1; 1 + tanh p·tanh q =
    /// cosh(p + q)/(cosh p·cosh q) is computed that way, in logs, so the sum does not cancel.
    /// </summary>
    private torch.Tensor LogDet(torch.Tensor t)
    {
        var p = r.diagonal(0, -2, -1);
        var q = rTilde.diagonal(0, -2, -1);
        var onePlus = (LogCosh(p + q) - LogCosh(p) - LogCosh(q)).exp();
        return TanhRoot.LogSlope(t, torch.tanh(p) * torch.tanh(q), onePlus).sum(-1);
    }

    /// <summary>log cosh x = |x| + log1p(e^(−2|x|)) − log 2, without overflow.</summary>
    private static torch.Tensor LogCosh(torch.Tensor x)
    {
        var a = x.abs();
        return a + (-2 * a).exp().log1p() - Math.Log(2);
    }

    /// <summary>The strictly upper part of <paramref name="raw"/> plus tanh of its diagonal.</summary>
    private static torch.Tensor Triangular(torch.Tensor raw) =>
        raw.triu(1) + torch.diag_embed(torch.tanh(raw.diagonal(0, -2, -1)), 0, -2, -1);

    /// <summary>Qᵀx, [..., M].</summary>
    private torch.Tensor Rotate(torch.Tensor x) => x.unsqueeze(-2).matmul(q).squeeze(-2);

    private static torch.Tensor MatVec(torch.Tensor matrix, torch.Tensor vector) => matrix.matmul(vector.unsqueeze(-1)).squeeze(-1);

    private static bool IsSquare(torch.Tensor t, long m) => t.dim() >= 2 && t.shape[^1] == m && t.shape[^2] == m;

    private void CheckInput(torch.Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Features }, "sylvester");
    }
}
