using System;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>Factories for bijector nodes.</summary>
public static class Bij
{
    private static readonly AffineMap TanhAffine = new(AffineScale.Tanh);

    /// <summary>
    /// A coupling step over vectors or images: <paramref name="net"/> reads what <paramref name="mask"/> keeps and gives
    /// the parameters of <paramref name="map"/> for each of the other entries, which pass through it. Any map fits: affine
    /// (<see cref="Univariate.Affine"/>), a spline (<see cref="Univariate.Spline"/>), or your own
    /// <see cref="UnivariateMap"/>. Over vectors the mask comes from <see cref="Mask"/> and the network is usually an
    /// MLP (<see cref="Net.Mlp"/>); over images the mask comes from <see cref="ImageMask"/> and the network is usually a
    /// <see cref="Net.ConvResNet"/> (so <c>Bij.Coupling(ImageMask.Checkerboard(), Net.ConvResNet(64, 4), Univariate.Spline())</c>
    /// is a spline coupling of images).
    /// </summary>
    /// <param name="mask">Which entries are kept.</param>
    /// <param name="net">The conditioner network.</param>
    /// <param name="map">The map the other entries pass through.</param>
    /// <exception cref="GenShapeException">The map's settings are out of range (the mask and network are checked against the events when the step joins a flow).</exception>
    public static CouplingSpec Coupling(CouplingMaskSpec mask, NetworkSpec net, UnivariateMap map)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(map);
        map.Check("coupling.map");
        return new CouplingSpec(mask, net, map);
    }

    /// <summary>
    /// RealNVP's affine coupling: the kept features condition a shift and a log-scale (through tanh) for the others;
    /// <see cref="Coupling"/> with <c>Univariate.Affine(AffineScale.Tanh)</c>.
    /// </summary>
    public static CouplingSpec AffineCoupling(MaskSpec mask, MlpSpec net) => Coupling(mask, net, TanhAffine);

    /// <summary>
    /// A rational-quadratic spline coupling (neural spline flows): each feature the mask does not keep passes through
    /// its own monotonic spline with <paramref name="bins"/> bins on [−<paramref name="bound"/>, <paramref name="bound"/>]
    /// (identity outside), whose parameters <paramref name="net"/> computes from the kept features;
    /// <see cref="Coupling"/> with <see cref="Univariate.Spline"/>.
    /// </summary>
    /// <param name="mask">Which features are kept.</param>
    /// <param name="net">The conditioner network.</param>
    /// <param name="bins">Bins per spline (at least 2).</param>
    /// <param name="bound">Half-width of the interval the splines act on.</param>
    /// <exception cref="GenShapeException">Fewer than 2 or more than 999 bins (node <c>spline_coupling.bins</c>), or a bound that is not positive and finite (<c>spline_coupling.bound</c>).</exception>
    public static CouplingSpec SplineCoupling(MaskSpec mask, MlpSpec net, int bins = 8, double bound = 3.0)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(net);
        var map = new SplineMap(bins, bound);
        map.Check("spline_coupling");
        var spec = new CouplingSpec(mask, net, map);
        spec.Check("spline_coupling", StepShape.Vector(mask.Features));
        return spec;
    }

    /// <summary>NICE's additive coupling: the kept features condition a shift for the others; <see cref="Coupling"/> with <see cref="Univariate.Shift"/>.</summary>
    public static CouplingSpec AdditiveCoupling(MaskSpec mask, MlpSpec net) => Coupling(mask, net, Univariate.Shift());

    /// <summary>Reverses the order of the features.</summary>
    public static PermutationSpec Reverse() => new(Seed: null);

    /// <summary>A fixed random permutation of the features.</summary>
    public static PermutationSpec Permute(int seed) => new(Seed: seed);

    /// <summary>A learnable per-feature scale and shift, starting at the identity.</summary>
    public static AffineSpec Affine() => new();

    /// <summary>
    /// A masked autoregressive flow layer (MAF): a MADE with these hidden widths gives each feature a shift and a
    /// log-scale from the features before it. Density evaluation takes one pass, sampling one pass per feature. Another
    /// map (a spline) goes in with <see cref="MaskedAutoregressiveSpec.WithMap"/> or the overload taking a map.
    /// </summary>
    /// <exception cref="GenShapeException">No hidden layer is given, or a width is not positive.</exception>
    public static MaskedAutoregressiveSpec MaskedAutoregressive(params int[] hidden) => AutoregressiveLayer(hidden, inverse: false, MaskedAutoregressiveSpec.DefaultMap);

    /// <summary>A masked autoregressive layer (MAF) whose features pass through <paramref name="map"/>, its parameters from a MADE with these hidden widths.</summary>
    /// <exception cref="GenShapeException">No hidden layer is given, a width is not positive, or the map's settings are out of range.</exception>
    public static MaskedAutoregressiveSpec MaskedAutoregressive(UnivariateMap map, params int[] hidden) => AutoregressiveLayer(hidden, inverse: false, map);

    /// <summary>
    /// An inverse autoregressive flow layer (IAF): like <see cref="MaskedAutoregressive(int[])"/>, but the MADE reads the base
    /// side, so sampling takes one pass and the density of external data one pass per feature.
    /// </summary>
    /// <exception cref="GenShapeException">No hidden layer is given, or a width is not positive.</exception>
    public static MaskedAutoregressiveSpec InverseAutoregressive(params int[] hidden) => AutoregressiveLayer(hidden, inverse: true, MaskedAutoregressiveSpec.DefaultMap);

    /// <summary>An inverse autoregressive layer (IAF) whose features pass through <paramref name="map"/>.</summary>
    /// <exception cref="GenShapeException">No hidden layer is given, a width is not positive, or the map's settings are out of range.</exception>
    public static MaskedAutoregressiveSpec InverseAutoregressive(UnivariateMap map, params int[] hidden) => AutoregressiveLayer(hidden, inverse: true, map);

    private static MaskedAutoregressiveSpec AutoregressiveLayer(int[] hidden, bool inverse, UnivariateMap map)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(map);
        var spec = new MaskedAutoregressiveSpec(new ValueList<int>(hidden), inverse, InputOrder.Natural, HiddenDegrees.Random(0), Activation.Relu) { Map = map };
        spec.Check(inverse ? "iaf" : "maf", StepShape.Vector(1));
        return spec;
    }

    /// <summary>
    /// A learnable invertible linear map in LU form, starting at a fixed random permutation from <paramref name="seed"/>:
    /// it mixes every feature with every other, where a permutation only reorders them.
    /// </summary>
    public static LuLinearSpec LuLinear(int seed = 0) => new(seed);

    /// <summary>
    /// Glow's activation normalisation as a step of any flow: a per-feature (per-channel, for images) scale and shift
    /// initialised from the first batch of data so that it leaves the step towards the base with zero mean and unit
    /// variance (a data-dependent alternative to <see cref="BatchNorm"/> that keeps examples independent).
    /// </summary>
    public static ActNormSpec ActNorm() => new();

    /// <summary>
    /// Batch normalisation as a step (between MAF or RealNVP blocks, as in the MAF paper): batch statistics while
    /// training, running averages in evaluation.
    /// </summary>
    /// <param name="momentum">The weight of a new batch in the running averages, in [0, 1].</param>
    /// <param name="epsilon">Added to the variance, non-negative.</param>
    /// <exception cref="GenShapeException">The momentum or epsilon is out of range.</exception>
    public static BatchNormSpec BatchNorm(double momentum = 0.1, double epsilon = 1e-5)
    {
        var spec = new BatchNormSpec(momentum, epsilon);
        spec.Check("batch_norm", StepShape.Vector(1));
        return spec;
    }

    /// <summary>A planar flow step f(z) = z + û tanh(wᵀz + b) (Rezende and Mohamed 2015); its inverse is numerical.</summary>
    public static PlanarSpec Planar() => new();

    /// <summary>A radial flow step f(z) = z + β (z − z₀) / (α + ‖z − z₀‖) (Rezende and Mohamed 2015), starting at the identity.</summary>
    public static RadialSpec Radial() => new();

    /// <summary>
    /// <paramref name="step"/> with its parameters read from the flow's context, one set per example, instead of being
    /// its own (amortised inference: <c>Bij.Amortised(Bij.Planar())</c> in a flow whose context is the 2D + 1 numbers an
    /// encoder computes). The step must implement <see cref="IParametersFromContext"/>; the context's width is checked
    /// when the step joins a flow.
    /// </summary>
    /// <exception cref="GenShapeException">The step cannot take its parameters from the context.</exception>
    public static AmortisedSpec Amortised(BijSpec step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step is not IParametersFromContext)
        {
            throw new GenShapeException("amortised", $"{step} cannot take its parameters from the context; a step that can implements IParametersFromContext (Bij.Planar, Bij.Radial).");
        }

        return new AmortisedSpec(step);
    }
}
