using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>
/// An invertible linear map of vector events, y = W x, with W = P L (U + diag(s)) as in Glow: P a fixed permutation,
/// L unit lower triangular, U strictly upper triangular and s = sign · exp(logAbsDiagonal). Then
/// log|det W| = Σ log|s| costs O(D), W stays invertible for any parameters, and the inverse is two triangular solves.
/// </summary>
/// <remarks>
/// <para>A module owns parameters <c>lower</c> and <c>upper</c> [D, D] and <c>logAbsDiagonal</c> [D], and keeps
/// the permutation and <c>sign</c> [D] fixed (a buffer): only the strict triangles of <c>lower</c> and <c>upper</c>
/// are used, so unconstrained parameters work. It builds <c>new LuLinear(permutation, lower, upper, logAbsDiagonal, sign)</c>
/// on each pass. Initialise from <see cref="Decompose"/> of a random rotation (Glow) — for example the Q of a QR
/// factorisation of a Gaussian matrix — or from the identity (order 0..D−1, zero matrices, zero log-diagonal, sign 1).</para>
/// <para>There is no shift; follow the map with an <see cref="ElementwiseAffine"/> or an <see cref="ActNorm"/> for one.</para>
/// </remarks>
public sealed class LuLinear : IBijector
{
    private readonly long[] order;
    private readonly torch.Tensor lower;
    private readonly torch.Tensor upper;
    private readonly torch.Tensor logAbsDiagonal;
    private readonly torch.Tensor sign;

    /// <summary>Creates the map from its factors.</summary>
    /// <param name="permutation">P as an order: (P z)[i] = z[permutation[i]].</param>
    /// <param name="lower">[D, D]; the strictly lower part gives L (whose diagonal is 1).</param>
    /// <param name="upper">[D, D]; the strictly upper part gives U.</param>
    /// <param name="logAbsDiagonal">[D]: log|s|.</param>
    /// <param name="sign">[D]: the signs of s, each ±1 (not checked, to avoid a device synchronisation on every pass).</param>
    /// <exception cref="GenShapeException">The shapes do not agree.</exception>
    /// <exception cref="ArgumentException"><paramref name="permutation"/> is not a permutation of 0..D−1.</exception>
    public LuLinear(long[] permutation, torch.Tensor lower, torch.Tensor upper, torch.Tensor logAbsDiagonal, torch.Tensor sign)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        this.lower = lower ?? throw new ArgumentNullException(nameof(lower));
        this.upper = upper ?? throw new ArgumentNullException(nameof(upper));
        this.logAbsDiagonal = logAbsDiagonal ?? throw new ArgumentNullException(nameof(logAbsDiagonal));
        this.sign = sign ?? throw new ArgumentNullException(nameof(sign));
        if (logAbsDiagonal.dim() != 1)
        {
            throw new GenShapeException("lu_linear", $"logAbsDiagonal must be a vector [D], got {Shape.Format(logAbsDiagonal.shape)}.");
        }

        long d = logAbsDiagonal.shape[0];
        var square = new[] { d, d };
        if (!lower.shape.AsSpan().SequenceEqual(square) || !upper.shape.AsSpan().SequenceEqual(square) || !sign.shape.AsSpan().SequenceEqual(new[] { d }))
        {
            throw new GenShapeException("lu_linear", $"with D = {d}, lower and upper must be [D, D] and sign [D]; got {Shape.Format(lower.shape)}, {Shape.Format(upper.shape)} and {Shape.Format(sign.shape)}.");
        }

        if (!permutation.OrderBy(i => i).SequenceEqual(Enumerable.Range(0, (int)d).Select(i => (long)i)))
        {
            throw new ArgumentException($"lu_linear: [{string.Join(", ", permutation)}] is not a permutation of 0..{d - 1}.", nameof(permutation));
        }

        order = (long[])permutation.Clone();
    }

    /// <summary>D: the size of the vector events.</summary>
    public long Features => logAbsDiagonal.shape[0];

    /// <summary>The fixed permutation: (P z)[i] = z[Permutation[i]].</summary>
    public long[] Permutation => (long[])order.Clone();

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <summary>W = P L (U + diag(s)), [D, D].</summary>
    public torch.Tensor Weight()
    {
        using var scope = torch.NewDisposeScope();
        return L().matmul(UpperWithDiagonal()).index_select(0, OrderOn(lower.device)).MoveToOuterDisposeScope();
    }

    /// <summary>W⁻¹ = (U + diag(s))⁻¹ L⁻¹ Pᵀ, [D, D], by two triangular solves (no general inverse).</summary>
    public torch.Tensor InverseWeight()
    {
        using var scope = torch.NewDisposeScope();
        var transposedP = torch.eye(Features, dtype: lower.dtype, device: lower.device).index_select(0, OrderOn(lower.device)).t();
        var a = torch.linalg.solve_triangular(L(), transposedP, upper: false, unitriangular: true);
        return torch.linalg.solve_triangular(UpperWithDiagonal(), a, upper: true).MoveToOuterDisposeScope();
    }

    /// <summary>log|det W| = Σ log|s|, a scalar.</summary>
    public torch.Tensor LogAbsDet() => logAbsDiagonal.sum();

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    /// <summary>
    /// Factors a square matrix as W = P L (U + diag(s)) (LU with partial pivoting), giving initial values for the
    /// parameters: detached copies, so a module can wrap them as its parameters.
    /// </summary>
    /// <param name="weight">An invertible [D, D] matrix (a singular one gives log|s| = −∞).</param>
    /// <exception cref="GenShapeException">The matrix is not square.</exception>
    public static LuDecomposition Decompose(torch.Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 2 || weight.shape[0] != weight.shape[1])
        {
            throw new GenShapeException("lu_linear", $"can only decompose a square matrix [D, D], got {Shape.Format(weight.shape)}.");
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (p, l, u) = torch.linalg.lu(weight.detach());
        var order = p.argmax(1).cpu().data<long>().ToArray();
        var diagonal = u.diagonal();
        return new LuDecomposition(
            order,
            l.tril(-1).MoveToOuterDisposeScope(),
            u.triu(1).MoveToOuterDisposeScope(),
            diagonal.abs().log().MoveToOuterDisposeScope(),
            diagonal.sign().MoveToOuterDisposeScope());
    }

    /// <inheritdoc/>
    public override string ToString() => $"LuLinear({Features})";

    private torch.Tensor L() => lower.tril(-1) + torch.eye(Features, dtype: lower.dtype, device: lower.device);

    private torch.Tensor UpperWithDiagonal() => upper.triu(1) + torch.diag(sign * logAbsDiagonal.exp());

    private torch.Tensor OrderOn(torch.Device device) => torch.tensor(order, device: device);

    private Transformed Apply(torch.Tensor x, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(x);
        Shape.CheckTrailing(x, new[] { Features }, "lu_linear");
        using var scope = torch.NewDisposeScope();
        var w = inverse ? InverseWeight() : Weight();
        var y = x.matmul(w.t());
        var ld = (inverse ? -LogAbsDet() : LogAbsDet()).expand(x.shape[..^1]);
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }
}
