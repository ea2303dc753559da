using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An autoregressive step over any univariate map, whose conditioner is a MADE with
/// <see cref="UnivariateMap.ParameterCount"/> outputs per feature: MAF (one-pass density, D-pass sampling) or, when
/// <paramref name="Inverse"/>, IAF (one-pass sampling, D-pass density of external data). With the default
/// <see cref="AffineMap"/> (softplus scale) it is the affine layer of the MAF and IAF papers; with a
/// <see cref="SplineMap"/> the autoregressive rational-quadratic flow of neural spline flows. The MADE's output layer
/// starts at zero, so a fresh step is the identity.
/// </summary>
/// <param name="Hidden">The MADE's hidden-layer widths.</param>
/// <param name="Inverse">False for MAF, true for IAF.</param>
/// <param name="Order">The autoregressive order.</param>
/// <param name="Degrees">How the MADE's hidden units get their degrees.</param>
/// <param name="Activation">The MADE's activation.</param>
public sealed record MaskedAutoregressiveSpec(ValueList<int> Hidden, bool Inverse, InputOrder Order, HiddenDegrees Degrees, Activation Activation) : BijSpec
{
    /// <summary>The map of MAF and IAF layers: affine with a softplus scale.</summary>
    public static readonly UnivariateMap DefaultMap = new AffineMap(AffineScale.Softplus);

    /// <summary>The map each feature passes through; <see cref="DefaultMap"/> unless set with <see cref="WithMap"/>.</summary>
    public UnivariateMap Map { get; init; } = DefaultMap;

    /// <summary>The same layer with another order.</summary>
    public MaskedAutoregressiveSpec WithOrder(InputOrder order) => this with { Order = order ?? throw new ArgumentNullException(nameof(order)) };

    /// <summary>The same layer with another degree assignment.</summary>
    public MaskedAutoregressiveSpec WithDegrees(HiddenDegrees degrees) => this with { Degrees = degrees ?? throw new ArgumentNullException(nameof(degrees)) };

    /// <summary>The same layer with another activation.</summary>
    public MaskedAutoregressiveSpec WithActivation(Activation activation) => this with { Activation = activation };

    /// <summary>The same layer with another univariate map (a spline, or your own).</summary>
    /// <exception cref="GenShapeException">The map's settings are out of range.</exception>
    public MaskedAutoregressiveSpec WithMap(UnivariateMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.Check($"{(Inverse ? "iaf" : "maf")}.map");
        return this with { Map = map };
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Inverse ? "InverseAutoregressive" : "MaskedAutoregressive")}(hidden: {Hidden}, order: {Order}, degrees: {Degrees}; {Activation.ToString().ToLowerInvariant()}{(Map == DefaultMap ? string.Empty : $"; map: {Map}")})";

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long features = shape.VectorFeatures(path);
        if (Map is null)
        {
            throw new GenShapeException($"{path}.map", "an autoregressive step needs a univariate map (Univariate.Affine, Univariate.Spline, ...).");
        }

        Map.Check($"{path}.map");
        MadeSpec.CheckNetwork(path, Hidden, Order, Degrees, 1, features);
        MlpSpec.CheckActivation($"{path}.activation", Activation);
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(this, shape.Features, shape.ContextFeatures);

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape) =>
        MadeSpec.MeasureNetwork(budget, path, shape.Features, Hidden, Map.ParameterCount, shape.ContextFeatures);

    private sealed class Module : BijectorModule
    {
        private readonly Made made;
        private readonly UnivariateMap map;
        private readonly AutoregressiveKind kind;

        public Module(MaskedAutoregressiveSpec spec, long features, long contextFeatures) : base(spec.Inverse ? "iaf" : "maf")
        {
            map = spec.Map;
            kind = spec.Inverse ? AutoregressiveKind.Inverse : AutoregressiveKind.Masked;
            // The MADE feeds the context to every layer through unmasked weights (none when the width is 0).
            made = new Made(features, spec.Hidden, map.ParameterCount, contextFeatures, spec.Order, spec.Degrees, 1, spec.Activation, spec.Inverse ? "iaf.made" : "maf.made");
            made.ZeroOutput();
            register_module(nameof(made), made);
        }

        // The MADE also solves feature by feature (about one pass instead of D when a MAF samples without gradient).
        public override IBijector Build(torch.Tensor? context) =>
            AutoregressiveLayer.Of(map, z => made.Forward(z, context), kind, made.Sequential(context));
    }
}
