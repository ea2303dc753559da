using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>
/// Factories for the univariate maps of coupling and autoregressive steps (<see cref="Bij.Coupling"/>,
/// <see cref="Bij.MaskedAutoregressive(UnivariateMap, int[])"/>). A map of your own derives from
/// <see cref="UnivariateMap"/>.
/// </summary>
public static class Univariate
{
    /// <summary>
    /// y = x·exp(s) + t. <paramref name="scale"/> says how the log-scale s comes from its parameter: tanh (RealNVP's
    /// couplings) or a softplus bounded below (MAF and IAF, the default).
    /// </summary>
    /// <exception cref="GenShapeException">The scale is not a named value.</exception>
    public static AffineMap Affine(AffineScale scale = AffineScale.Softplus)
    {
        var map = new AffineMap(scale);
        map.Check("affine_map");
        return map;
    }

    /// <summary>y = x + t: volume-preserving, as NICE's additive coupling.</summary>
    public static ShiftMap Shift() => new();

    /// <summary>
    /// A monotonic rational-quadratic spline with <paramref name="bins"/> bins on [−<paramref name="bound"/>,
    /// <paramref name="bound"/>] and identity tails (neural spline flows).
    /// </summary>
    /// <exception cref="GenShapeException">Fewer than 2 or more than 999 bins, or a bound that is not positive and finite.</exception>
    public static SplineMap Spline(int bins = 8, double bound = 3.0)
    {
        var map = new SplineMap(bins, bound);
        map.Check("spline_map");
        return map;
    }
}
