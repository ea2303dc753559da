using System;
using System.Linq;
using Gen.Probability;
using Gen.Probability.Bijectors;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Dsl;

/// <summary>
/// A coupling step over any univariate map and any event shape: the network reads what the mask keeps (and the context,
/// in a conditional flow) and gives <see cref="UnivariateMap.ParameterCount"/> parameters for each entry of the event;
/// every entry the mask does not keep passes through <see cref="Map"/> with its own parameters. Over vectors
/// (<see cref="MaskSpec"/>, an MLP) with <see cref="AffineMap"/> (tanh scale) it is RealNVP's affine coupling, with
/// <see cref="ShiftMap"/> NICE's additive coupling, with <see cref="SplineMap"/> the rational-quadratic coupling of
/// neural spline flows; over images (<see cref="ImageMaskSpec"/>, a <see cref="ConvResNetSpec"/>) the same maps give
/// RealNVP's and Glow's couplings and spline couplings of images. The network's output holds P blocks of the event's
/// size (all entries' first parameter, then all second ones; for images, P·C channels). Gen's networks start their
/// output at zero, so a fresh step is the identity; a network of your own should do the same.
/// </summary>
/// <param name="Mask">Which entries are kept, and what the network reads.</param>
/// <param name="Net">The conditioner network, from the mask's network input to P times the event.</param>
/// <param name="Map">The map the other entries pass through.</param>
public sealed record CouplingSpec(CouplingMaskSpec Mask, NetworkSpec Net, UnivariateMap Map) : BijSpec
{
    /// <summary>
    /// How the network's outputs are grouped: false (the default) reads them as P blocks of D (all features' first
    /// parameter, then all second ones); true as D blocks of P. Only spline couplings saved before couplings took any
    /// map use the second layout, and keep it so their weights mean what they meant.
    /// </summary>
    internal bool FeatureMajor { get; init; }

    /// <summary>
    /// Whether the log-scale of an affine map with tanh scale is multiplied by a learnt factor per channel (per feature
    /// over vectors), starting at 1: s = a·tanh(raw), as RealNVP's and Glow's image couplings do, so a step can scale
    /// by more than e. Needs <c>Univariate.Affine(AffineScale.Tanh)</c>.
    /// </summary>
    public bool LearntScale { get; init; }

    /// <summary>The same step with another map (the learnt scale, which only a tanh affine map has, is dropped).</summary>
    public CouplingSpec WithMap(UnivariateMap map) => this with
    {
        Map = map ?? throw new ArgumentNullException(nameof(map)),
        FeatureMajor = false,
        LearntScale = LearntScale && map == TanhAffine,
    };

    private static readonly AffineMap TanhAffine = new(AffineScale.Tanh);

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
        if (Mask is null)
        {
            throw new GenShapeException($"{path}.mask", "a coupling needs a mask (Mask.Alternating or Mask.Halves over vectors, ImageMask.Checkerboard or ImageMask.Channel over images).");
        }

        Mask.Check($"{path}.mask", shape);
        if (Map is null)
        {
            throw new GenShapeException($"{path}.map", "a coupling needs a univariate map (Univariate.Affine, Univariate.Spline, ...).");
        }

        Map.Check($"{path}.map");
        if (Map.ParameterCount < 1)
        {
            throw new GenShapeException($"{path}.map", $"a map needs at least one parameter per feature, {Map} has {Map.ParameterCount}.");
        }

        if (LearntScale && Map != TanhAffine)
        {
            throw new GenShapeException($"{path}.map", $"a learnt scale multiplies the tanh log-scale of an affine map, but the map is {Map}.");
        }

        if (Net is null)
        {
            throw new GenShapeException($"{path}.net", "a coupling needs a conditioner network (Net.Mlp over vectors, Net.ConvResNet over images).");
        }

        if (FeatureMajor && shape.Event.Count != 1)
        {
            throw new GenShapeException(path, "the feature-major layout of early spline couplings exists over vectors only.");
        }

        Net.CheckShapes($"{path}.net", Mask.NetworkInput(shape), NetworkOutput(shape));
    }

    /// <inheritdoc/>
    public override BijectorModule Compile(StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new Module(this, shape);
    }

    /// <inheritdoc/>
    public override void Measure(SpecBudget budget, string path, StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(shape);
        budget.Buffer($"{path}.mask", CouplingMaskSpec.Size(shape));
        Net.Measure(budget, $"{path}.net", Mask.NetworkInput(shape), NetworkOutput(shape));
        if (LearntScale)
        {
            budget.Add(path, shape.Event[0]);
        }
    }

    // P blocks of the event: [P·D] over vectors, [P·C, H, W] over images.
    private long[] NetworkOutput(StepShape shape) => shape.Event.Select((d, i) => i == 0 ? d * Map.ParameterCount : d).ToArray();

    private sealed class Module : BijectorModule
    {
        private readonly CouplingSpec spec;
        private readonly StepShape shape;
        private readonly long[] eventShape;
        private readonly UnivariateMap map;

        // Field names are the state-dict names, so that .to(device) rebinds them; the image couplings saved before
        // couplings took any event shape used the same three (a "scale" of shape [C, 1, 1]).
        private readonly torch.Tensor mask;
        private readonly torch.nn.Module<torch.Tensor, torch.Tensor> net;
        private readonly Parameter? scale;

        private readonly BuiltPerBuffer built = new();

        public Module(CouplingSpec spec, StepShape shape) : base("coupling")
        {
            this.spec = spec;
            this.shape = shape;
            eventShape = shape.Event.ToArray();
            map = spec.Map;
            mask = spec.Mask.Build(shape);
            long[] input = spec.Mask.NetworkInput(shape);
            long[] output = spec.NetworkOutput(shape);
            // An MLP over vectors is the plain layer stack with its last layer at zero, as couplings always built it
            // (so its parameter names and seeded initial weights are unchanged); other networks start at zero themselves.
            net = spec.Net is MlpSpec mlp && input.Length == 1 && output.Length == 1
                ? mlp.Build(input[0], output[0], zeroLast: true)
                : spec.Net.Build(input, output);
            if (spec.LearntScale)
            {
                var factor = new long[eventShape.Length];
                Array.Fill(factor, 1L);
                factor[0] = eventShape[0];
                scale = torch.nn.Parameter(torch.ones(eventShape.Length == 1 ? new[] { eventShape[0] } : factor));
            }

            register_buffer("mask", mask);
            register_module("net", net);
            if (scale is not null)
            {
                register_parameter("scale", scale);
            }
        }

        // Without a context the layer is built once per mask buffer; a context changes it, so it is built per call.
        public override IBijector Build(torch.Tensor? context) =>
            context is null
                ? built.For(mask, () => new Coupling(mask, kept => Bind(kept, null)))
                : new Coupling(mask, kept => Bind(kept, context));

        private IBijector Bind(torch.Tensor kept, torch.Tensor? context)
        {
            var parameters = Parameters(kept, context);
            return scale is null
                ? map.Bind(parameters)
                : new ElementwiseAffine(parameters.select(-1, 0), scale * torch.tanh(parameters.select(-1, 1)));
        }

        // The network's output B ++ [P·E0, E1, ...] as B ++ E ++ [P].
        private torch.Tensor Parameters(torch.Tensor kept, torch.Tensor? context)
        {
            var output = net.forward(spec.Mask.NetworkInput(kept, mask, context, shape));
            int rank = eventShape.Length;
            int first = (int)output.dim() - rank;
            long p = map.ParameterCount;
            if (spec.FeatureMajor)
            {
                return output.unflatten(first, new[] { eventShape[0], p });
            }

            return output.unflatten(first, new[] { p, eventShape[0] }).movedim(new long[] { first }, new long[] { -1 });
        }
    }
}
