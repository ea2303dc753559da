namespace Gen.Dsl;

/// <summary>Factories for bijector nodes.</summary>
public static class Bij
{
    /// <summary>RealNVP's affine coupling: the kept features condition a shift and a log-scale for the others.</summary>
    public static AffineCouplingSpec AffineCoupling(MaskSpec mask, MlpSpec net) => new(mask, net, Additive: false);

    /// <summary>
    /// A rational-quadratic spline coupling (neural spline flows): each feature the mask does not keep passes through
    /// its own monotonic spline with <paramref name="bins"/> bins on [−<paramref name="bound"/>, <paramref name="bound"/>]
    /// (identity outside), whose parameters <paramref name="net"/> computes from the kept features.
    /// </summary>
    /// <param name="mask">Which features are kept.</param>
    /// <param name="net">The conditioner network.</param>
    /// <param name="bins">Bins per spline (at least 2).</param>
    /// <param name="bound">Half-width of the interval the splines act on.</param>
    public static SplineCouplingSpec SplineCoupling(MaskSpec mask, MlpSpec net, int bins = 8, double bound = 3.0)
    {
        System.ArgumentNullException.ThrowIfNull(mask);
        System.ArgumentNullException.ThrowIfNull(net);
        var spec = new SplineCouplingSpec(mask, net, bins, bound);
        spec.Check("spline_coupling", mask.Features);
        return spec;
    }

    /// <summary>NICE's additive coupling: the kept features condition a shift for the others.</summary>
    public static AffineCouplingSpec AdditiveCoupling(MaskSpec mask, MlpSpec net) => new(mask, net, Additive: true);

    /// <summary>Reverses the order of the features.</summary>
    public static PermutationSpec Reverse() => new(Seed: null);

    /// <summary>A fixed random permutation of the features.</summary>
    public static PermutationSpec Permute(int seed) => new(Seed: seed);

    /// <summary>A learnable per-feature scale and shift, starting at the identity.</summary>
    public static AffineSpec Affine() => new();

    /// <summary>
    /// A masked autoregressive flow layer (MAF): a MADE with these hidden widths gives each feature a shift and a
    /// log-scale from the features before it. Density evaluation takes one pass, sampling one pass per feature.
    /// </summary>
    /// <exception cref="GenShapeException">No hidden layer is given, or a width is not positive.</exception>
    public static MaskedAutoregressiveSpec MaskedAutoregressive(params int[] hidden) => AutoregressiveLayer(hidden, inverse: false);

    /// <summary>
    /// An inverse autoregressive flow layer (IAF): like <see cref="MaskedAutoregressive"/>, but the MADE reads the base
    /// side, so sampling takes one pass and the density of external data one pass per feature.
    /// </summary>
    /// <exception cref="GenShapeException">No hidden layer is given, or a width is not positive.</exception>
    public static MaskedAutoregressiveSpec InverseAutoregressive(params int[] hidden) => AutoregressiveLayer(hidden, inverse: true);

    private static MaskedAutoregressiveSpec AutoregressiveLayer(int[] hidden, bool inverse)
    {
        System.ArgumentNullException.ThrowIfNull(hidden);
        var spec = new MaskedAutoregressiveSpec(new ValueList<int>(hidden), inverse, InputOrder.Natural, HiddenDegrees.Random(0), Activation.Relu);
        spec.Check(inverse ? "iaf" : "maf", 1);
        return spec;
    }

    /// <summary>A planar flow step f(z) = z + û tanh(wᵀz + b) (Rezende and Mohamed 2015); its inverse is numerical.</summary>
    public static PlanarSpec Planar() => new();

    /// <summary>A radial flow step f(z) = z + β (z − z₀) / (α + ‖z − z₀‖) (Rezende and Mohamed 2015), starting at the identity.</summary>
    public static RadialSpec Radial() => new();
}
