using System;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// The rational-quadratic spline coupling of neural spline flows: the network maps the kept features to
/// <see cref="Bins"/> widths, heights and <see cref="Bins"/> − 1 knot derivatives for each of the other features'
/// monotonic splines on [−<see cref="Bound"/>, <see cref="Bound"/>] (identity outside). The output layer starts at zero,
/// so a fresh layer is the identity.
/// </summary>
/// <param name="Mask">Which features are kept.</param>
/// <param name="Net">The conditioner network.</param>
/// <param name="Bins">K, bins per spline (at least 2).</param>
/// <param name="Bound">B, half-width of the interval the splines act on.</param>
public sealed record SplineCouplingSpec(MaskSpec Mask, MlpSpec Net, int Bins, double Bound) : BijSpec
{
    /// <inheritdoc/>
    public override string ToString() => $"SplineCoupling(mask: {Mask}, net: {Net}, bins: {Bins}, bound: {Bound.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    internal override void Check(string path, long features)
    {
        if (Mask.Features != features)
        {
            throw new GenShapeException($"{path}.mask", $"the mask has {Mask.Features} features, but the flow's events have {features}.");
        }

        if (Bins < 2 || Bins > Gen.Probability.Bijectors.RationalQuadraticSpline.MaxBins)
        {
            throw new GenShapeException($"{path}.bins", $"a spline needs 2 to {Gen.Probability.Bijectors.RationalQuadraticSpline.MaxBins} bins (each keeps at least {Gen.Probability.Bijectors.RationalQuadraticSpline.MinBinShare} of the interval), got {Bins}.");
        }

        if (!(Bound > 0) || double.IsInfinity(Bound))
        {
            throw new GenShapeException($"{path}.bound", $"the bound must be positive and finite, got {Bound}.");
        }

        Net.Check($"{path}.net");
    }

    internal override BijectorModule Compile(long features, long contextFeatures) => new Module(this, features, contextFeatures);

    private sealed class Module : BijectorModule
    {
        private readonly torch.Tensor mask;
        private readonly Sequential net;
        private readonly long features;
        private readonly long bins;
        private readonly double bound;

        private readonly BuiltPerBuffer built = new();

        public Module(SplineCouplingSpec spec, long features, long contextFeatures) : base("spline_coupling")
        {
            this.features = features;
            bins = spec.Bins;
            bound = spec.Bound;
            mask = spec.Mask.Build();
            net = spec.Net.Build(features + contextFeatures, features * (3 * bins - 1), zeroLast: true);
            register_buffer("mask", mask);
            register_module("net", net);
        }

        public override IBijector Build() => built.For(mask, () => new SplineCoupling(mask, kept => Conditioner(kept, null), bound));

        // A context changes the layer, so a conditional one is built for each context rather than cached.
        public override IBijector Build(torch.Tensor? context) =>
            context is null ? Build() : new SplineCoupling(mask, kept => Conditioner(kept, context), bound);

        private SplineParameters Conditioner(torch.Tensor kept, torch.Tensor? context)
        {
            var h = net.forward(ConditionerInput.Of(kept, context));
            var p = h.reshape(h.shape[..^1].Append(features).Append(3 * bins - 1).ToArray());
            return new SplineParameters(p.narrow(-1, 0, bins), p.narrow(-1, bins, bins), p.narrow(-1, 2 * bins, bins - 1));
        }
    }

    /// <inheritdoc/>
    internal override void Measure(SpecBudget budget, string path, long features, long contextFeatures)
    {
        budget.Buffer($"{path}.mask", features);
        Net.Measure(budget, $"{path}.net", features + contextFeatures, features * ((3 * (Int128)Bins) - 1));
    }
}
