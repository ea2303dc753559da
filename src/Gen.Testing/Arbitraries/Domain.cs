using System;
using System.Globalization;
using TorchSharp;

namespace Gen.Testing;

/// <summary>
/// A set of tensors — a parameter's domain or a distribution's support — and a way to draw typical members of it:
/// values spread over the usual range, not only near the edges. Use with <see cref="Arbitraries.Tensors"/> and
/// <see cref="Arbitraries.FromParameters{T}"/>; make your own with the constructor.
/// </summary>
public sealed class Domain
{
    private readonly Func<long[], torch.Generator, torch.ScalarType, torch.Tensor> draw;

    /// <summary>Creates a domain from its name and a function that draws a tensor of the given shape and dtype.</summary>
    /// <param name="name">Shown in counterexamples, such as <c>positive</c>.</param>
    /// <param name="draw">Draws members of the domain (shape, CPU generator, dtype), on the CPU.</param>
    public Domain(string name, Func<long[], torch.Generator, torch.ScalarType, torch.Tensor> draw)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        this.draw = draw ?? throw new ArgumentNullException(nameof(draw));
    }

    /// <summary>The name, such as <c>positive</c>.</summary>
    public string Name { get; }

    /// <summary>ℝ: 3·N(0, 1). Locations, logits, shifts, and the support of continuous families on the line.</summary>
    public static Domain Real { get; } = new("real", (s, g, d) => 3 * Normal(s, g, d));

    /// <summary>(0, ∞): exp(N(0, 1)), mostly within [0.05, 20]. Scales, rates, concentrations.</summary>
    public static Domain Positive { get; } = new("positive", (s, g, d) => Normal(s, g, d).exp());

    /// <summary>(0, 1), open: σ(2·N(0, 1)). Probabilities, and the support of Beta.</summary>
    public static Domain UnitInterval { get; } = new("unit interval", (s, g, d) => (2 * Normal(s, g, d)).sigmoid());

    /// <summary>The probability simplex over the last dimension: softmax(N(0, 1)). Categorical probabilities, Dirichlet's support.</summary>
    public static Domain Simplex { get; } = new("simplex", (s, g, d) => Normal(s, g, d).softmax(-1));

    /// <summary>
    /// Lower-triangular matrices with a positive diagonal over the last two (equal) dimensions: Cholesky factors of
    /// covariances, well conditioned (off-diagonal entries 0.5·N(0, 1), diagonal exp(0.3·N(0, 1))).
    /// </summary>
    public static Domain LowerCholesky { get; } = new("lower Cholesky", (s, g, d) =>
    {
        CheckSquare(s, "lower Cholesky");
        var off = 0.5 * Normal(s, g, d).tril(-1);
        var diagonal = (0.3 * Normal(s[..^1], g, d)).exp();
        return off + torch.diag_embed(diagonal, 0, -2, -1);
    });

    /// <summary>Symmetric positive-definite matrices over the last two dimensions: L Lᵀ for L from <see cref="LowerCholesky"/>.</summary>
    public static Domain PositiveDefinite { get; } = new("positive definite", (s, g, d) =>
    {
        CheckSquare(s, "positive definite");
        var l = LowerCholesky.Draw(s, g, d);
        return l.matmul(l.transpose(-1, -2));
    });

    /// <summary>{0, 1} as floating-point values: Bernoulli's support.</summary>
    public static Domain Binary { get; } = Integers(0, 1);

    /// <summary>The open interval (lo, hi), spread as <see cref="UnitInterval"/>.</summary>
    /// <exception cref="ArgumentException">The bounds are not finite with lo &lt; hi.</exception>
    public static Domain Interval(double lo, double hi)
    {
        if (!(lo < hi) || !double.IsFinite(lo) || !double.IsFinite(hi))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"domain: interval bounds must be finite with lo < hi, got ({lo}, {hi})."), nameof(lo));
        }

        return new(string.Create(CultureInfo.InvariantCulture, $"({lo}, {hi})"), (s, g, d) => lo + (hi - lo) * UnitInterval.Draw(s, g, d));
    }

    /// <summary>(lo, ∞): lo plus a member of <see cref="Positive"/>. Degrees of freedom above 2, for example.</summary>
    public static Domain GreaterThan(double lo) =>
        new(string.Create(CultureInfo.InvariantCulture, $"({lo}, inf)"), (s, g, d) => lo + Positive.Draw(s, g, d));

    /// <summary>The integers lo..hi (inclusive), uniformly, as floating-point values: counts, category indices.</summary>
    /// <exception cref="ArgumentException">hi &lt; lo.</exception>
    public static Domain Integers(long lo, long hi)
    {
        if (hi < lo)
        {
            throw new ArgumentException($"domain: integer range {lo}..{hi} is empty.", nameof(hi));
        }

        return new($"integers {lo}..{hi}", (s, g, d) => torch.randint(lo, hi + 1, s, dtype: d, generator: g));
    }

    /// <summary>Draws a tensor of <paramref name="shape"/> in the domain.</summary>
    public torch.Tensor Draw(long[] shape, torch.Generator generator, torch.ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = torch.NewDisposeScope();
        return draw(shape, generator, dtype).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static torch.Tensor Normal(long[] shape, torch.Generator g, torch.ScalarType dtype) => torch.randn(shape, dtype: dtype, generator: g);

    private static void CheckSquare(long[] shape, string name)
    {
        if (shape.Length < 2 || shape[^1] != shape[^2])
        {
            throw new GenShapeException("domain", $"{name} matrices need a shape ending in two equal dimensions, got {Shape.Format(shape)}.");
        }
    }
}
