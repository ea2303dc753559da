using System;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A coupling step over any univariate map: the network reads the kept features (and the context, in a conditional
/// flow) and gives <see cref="UnivariateMap.ParameterCount"/> parameters for each feature; every feature the mask does
/// not keep passes through <see cref="Map"/> with its own parameters. With <see cref="AffineMap"/> (tanh scale) it is
/// RealNVP's affine coupling, with <see cref="ShiftMap"/> NICE's additive coupling, with <see cref="SplineMap"/> the
/// rational-quadratic coupling of neural spline flows. The output layer starts at zero, so a fresh step is the identity.
/// </summary>
/// <param name="Mask">Which features are kept.</param>
/// <param name="Net">The conditioner network.</param>
/// <param name="Map">The map the other features pass through.</param>
public sealed record CouplingSpec(MaskSpec Mask, MlpSpec Net, UnivariateMap Map) : BijSpec
{
    /// <summary>
    /// How the network's outputs are grouped: false (the default) reads them as P blocks of D (all features' first
    /// parameter, then all second ones); true as D blocks of P. Only spline couplings saved before couplings took any
    /// map use the second layout, and keep it so their weights mean what they meant.
    /// </summary>
    internal bool FeatureMajor { get; init; }

    /// <summary>The same step with another map.</summary>
    public CouplingSpec WithMap(UnivariateMap map) => this with { Map = map ?? throw new ArgumentNullException(nameof(map)), FeatureMajor = false };

    /// <inheritdoc/>
    public override string ToString() => Map switch
    {
        AffineMap { Scale: AffineScale.Tanh } => $"AffineCoupling(mask: {Mask}, net: {Net})",
        ShiftMap => $"AdditiveCoupling(mask: {Mask}, net: {Net})",
        _ => $"Coupling(mask: {Mask}, net: {Net}, map: {Map})",
    };

    /// <inheritdoc/>
    public override void Check(string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long features = shape.VectorFeatures(path);
        if (Mask is null)
        {
            throw new GenShapeException($"{path}.mask", "a coupling needs a mask (Mask.Alternating or Mask.Halves).");
        }

        if (Mask.Features != features)
        {
            throw new GenShapeException($"{path}.mask", $"the mask has {Mask.Features} features, but the flow's events have {features}.");
        }

        if (Map is null)
        {
            throw new GenShapeException($"{path}.map", "a coupling needs a univariate map (Univariate.Affine, Univariate.Spline, ...).");
        }

        Map.Check($"{path}.map");
        if (Map.ParameterCount < 1)
        {
            throw new GenShapeException($"{path}.map", $"a map needs at least one parameter per feature, {Map} has {Map.ParameterCount}.");
        }

        if (Net is null)
        {
            throw new GenShapeException($"{path}.net", "a coupling needs a conditioner network (Net.Mlp).");
        }

        Net.Check($"{path}.net");
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape) => new Module(this, shape.Features, shape.ContextFeatures);

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        budget.Buffer($"{path}.mask", shape.Features);
        Net.Measure(budget, $"{path}.net", shape.Features + shape.ContextFeatures, shape.Features * (Int128)Map.ParameterCount);
    }

    private sealed class Module : BijectorModule
    {
        private readonly torch.Tensor mask;
        private readonly Sequential net;
        private readonly UnivariateMap map;
        private readonly long[] grouping;
        private readonly bool featureMajor;
        private readonly BuiltPerBuffer built = new();

        public Module(CouplingSpec spec, long features, long contextFeatures) : base("coupling")
        {
            map = spec.Map;
            featureMajor = spec.FeatureMajor;
            long p = map.ParameterCount;
            grouping = featureMajor ? new[] { features, p } : new[] { p, features };
            mask = spec.Mask.Build();
            net = spec.Net.Build(features + contextFeatures, features * p, zeroLast: true);
            register_buffer("mask", mask);
            register_module("net", net);
        }

        // Without a context the layer is built once per mask buffer; a context changes it, so it is built per call.
        public override IBijector Build(torch.Tensor? context) =>
            context is null
                ? built.For(mask, () => new Coupling(mask, kept => map.Bind(Parameters(kept, null))))
                : new Coupling(mask, kept => map.Bind(Parameters(kept, context)));

        // The network's output [..., D·P] as [..., D, P].
        private torch.Tensor Parameters(torch.Tensor kept, torch.Tensor? context)
        {
            var output = net.forward(ConditionerInput.Of(kept, context));
            var h = output.unflatten(output.dim() - 1, grouping);
            return featureMajor ? h : h.transpose(-1, -2);
        }
    }
}
