using System.Linq;
using System.Text.Json.Nodes;
using Gen.Probability.Bijectors;

namespace Gen.Dsl;

/// <summary>The JSON forms of flows and their nodes: base distributions, bijectors and coupling masks.</summary>
internal static class FlowJson
{
    private static readonly StableNames<AffineScale> AffineScales = new((AffineScale.Tanh, "tanh"), (AffineScale.Softplus, "softplus"));

    /// <summary>Distribution nodes.</summary>
    public static readonly NodeKinds<DistSpec> Distributions = new NodeKinds<DistSpec>("distribution", open: true)
        .Add<StandardNormalSpec>("standard_normal", (s, o) => o["features"] = s.Features, f => Dist.StandardNormal(f.Int("features")))
        .Add<ConditionalNormalSpec>(
            "conditional_normal",
            (s, o) =>
            {
                o["features"] = s.Features;
                o["context"] = s.Context;
                o["net"] = NetworkJson.Mlp.Write(s.Net);
            },
            f => Dist.ConditionalNormal(f.Int("features"), f.Int("context"), f.Node("net", NetworkJson.Mlp)));

    /// <summary><c>{"features": 4, "odd": false, "halves": false}</c>.</summary>
    public static readonly NodeCodec<MaskSpec> Mask = new(
        "a coupling mask",
        (s, o) =>
        {
            o["features"] = s.Features;
            o["odd"] = s.Odd;
            o["halves"] = s.Halves;
        },
        f =>
        {
            int features = f.Int("features");
            bool odd = f.Bool("odd");
            return f.Bool("halves") ? Dsl.Mask.Halves(features, second: odd) : Dsl.Mask.Alternating(features, odd);
        });

    /// <summary>Either mask of a coupling: a vector mask in the form of <see cref="Mask"/>, an image mask in the form of <see cref="ImageFlowJson.Mask"/> (told apart by its <c>"kind"</c>).</summary>
    public static readonly NodeCodec<CouplingMaskSpec> CouplingMask = new(
        "a coupling mask",
        (s, o) =>
        {
            switch (s)
            {
                case MaskSpec vector:
                    Mask.WriteFields(vector, o);
                    break;
                case ImageMaskSpec image:
                    ImageFlowJson.Mask.WriteFields(image, o);
                    break;
            }
        },
        f => f.Has("kind") ? ImageFlowJson.Mask.ReadFields(f) : Mask.ReadFields(f));

    private static readonly AffineMap TanhAffine = new(AffineScale.Tanh);

    /// <summary>The univariate maps of coupling and autoregressive steps.</summary>
    public static readonly NodeKinds<UnivariateMap> Maps = new NodeKinds<UnivariateMap>("univariate map", open: true)
        .Add<AffineMap>("affine", (s, o) => o["scale"] = AffineScales.Name(s.Scale), f => Univariate.Affine(f.Enum("scale", AffineScales)))
        .Add<ShiftMap>("shift", (_, _) => { }, _ => Univariate.Shift())
        .Add<SplineMap>(
            "spline",
            (s, o) =>
            {
                o["bins"] = s.Bins;
                o["bound"] = s.Bound;
            },
            f => Univariate.Spline(f.Int("bins"), f.Double("bound")));

    /// <summary>Bijector nodes. Their fit to the flow's features is checked when the flow is rebuilt step by step.</summary>
    public static readonly NodeKinds<BijSpec> Bijectors = new NodeKinds<BijSpec>("bijector", open: true)
        // Couplings keep the forms they had before they took any map and any event shape: over vectors with an MLP, affine
        // (tanh scale) and shift maps read and write as "affine_coupling", splines in the old layout as "spline_coupling";
        // over images with a convolutional network, shift maps and tanh affine maps with a learnt scale as
        // "image_coupling". Every other coupling is "coupling" with its mask, network and map.
        .Add<CouplingSpec>(
            "coupling",
            (s, o) =>
            {
                o["mask"] = CouplingMask.Write(s.Mask);
                o["net"] = NetworkJson.WriteNetwork(s.Net);
                o["map"] = Maps.Write(s.Map);
                if (s.LearntScale)
                {
                    o["learnt_scale"] = true;
                }
            },
            f => Bij.Coupling(f.Node("mask", CouplingMask), f.Network("net"), f.Node("map", Maps)) with { LearntScale = f.Has("learnt_scale") && f.Bool("learnt_scale") },
            legacy: LegacyCoupling)
        .Legacy<CouplingSpec>(
            "affine_coupling",
            (s, o) =>
            {
                WriteCoupling((MaskSpec)s.Mask, (MlpSpec)s.Net, o);
                o["additive"] = s.Map is ShiftMap;
            },
            f => new CouplingSpec(f.Node("mask", Mask), f.Node("net", NetworkJson.Mlp), f.Bool("additive") ? new ShiftMap() : TanhAffine))
        .Legacy<CouplingSpec>(
            "spline_coupling",
            (s, o) =>
            {
                var spline = (SplineMap)s.Map;
                WriteCoupling((MaskSpec)s.Mask, (MlpSpec)s.Net, o);
                o["bins"] = spline.Bins;
                o["bound"] = spline.Bound;
            },
            f => Bij.SplineCoupling(f.Node("mask", Mask), f.Node("net", NetworkJson.Mlp), f.Int("bins"), f.Double("bound")) with { FeatureMajor = true })
        .Legacy<CouplingSpec>(
            "image_coupling",
            (s, o) =>
            {
                o["mask"] = ImageFlowJson.Mask.Write((ImageMaskSpec)s.Mask);
                o["net"] = NetworkJson.ConvResNet.Write((ConvResNetSpec)s.Net);
                o["additive"] = s.Map is ShiftMap;
            },
            f =>
            {
                var mask = f.Node("mask", ImageFlowJson.Mask);
                var net = f.Node("net", NetworkJson.ConvResNet);
                return (CouplingSpec)(f.Bool("additive") ? ImageBij.AdditiveCoupling(mask, net) : ImageBij.AffineCoupling(mask, net));
            })
        .Add<PermutationSpec>("permutation", (s, o) => o["seed"] = s.Seed, f => new PermutationSpec(f.NullableInt("seed")))
        .Add<AffineSpec>("affine", (_, _) => { }, _ => Bij.Affine())
        .Add<MaskedAutoregressiveSpec>(
            "masked_autoregressive",
            (s, o) =>
            {
                o["hidden"] = NetworkJson.Ints(s.Hidden);
                o["inverse"] = s.Inverse;
                o["order"] = AutoregressiveJson.Order.Write(s.Order);
                o["degrees"] = AutoregressiveJson.Degrees.Write(s.Degrees);
                o["activation"] = NetworkJson.Activations.Name(s.Activation);
                if (s.Map != MaskedAutoregressiveSpec.DefaultMap)
                {
                    o["map"] = Maps.Write(s.Map); // left out for the affine map, so MAF and IAF read and write as before
                }
            },
            f => new MaskedAutoregressiveSpec(
                f.Ints("hidden"),
                f.Bool("inverse"),
                f.Node("order", AutoregressiveJson.Order),
                f.Node("degrees", AutoregressiveJson.Degrees),
                f.Enum("activation", NetworkJson.Activations))
            {
                Map = f.Has("map") ? f.Node("map", Maps) : MaskedAutoregressiveSpec.DefaultMap,
            })
        // The inner step is any bijector node: the lambdas run after this field is set.
        .Add<InvertedSpec>("inverted", (s, o) => o["of"] = Bijectors!.Write(s.Inner), f => new InvertedSpec(f.Node("of", Bijectors!)))
        .Add<AmortisedSpec>("amortised", (s, o) => o["of"] = Bijectors!.Write(s.Step), f => Bij.Amortised(f.Node("of", Bijectors!)))
        .Add<PlanarSpec>("planar", (_, _) => { }, _ => Bij.Planar())
        .Add<LuLinearSpec>("lu_linear", (s, o) => o["seed"] = s.Seed, f => Bij.LuLinear(f.Int("seed")))
        .Add<BatchNormSpec>(
            "batch_norm",
            (s, o) =>
            {
                o["momentum"] = s.Momentum;
                o["epsilon"] = s.Epsilon;
            },
            f => Bij.BatchNorm(f.Double("momentum"), f.Double("epsilon")))
        .Add<RadialSpec>("radial", (_, _) => { }, _ => Bij.Radial())
        .Add<SqueezeSpec>("squeeze", (_, _) => { }, _ => new SqueezeSpec())
        .Add<ActNormSpec>("actnorm", (_, _) => { }, _ => new ActNormSpec())
        .Add<Conv1x1Spec>("conv1x1", (s, o) => o["lu"] = s.Lu, f => new Conv1x1Spec(f.Bool("lu")))
        .Add<FactorOutSpec>("factor_out", (_, _) => { }, _ => new FactorOutSpec());

    /// <summary>
    /// <c>{"base": {...}, "steps": [...]}</c>, with <c>"context": C</c> for a conditional flow and
    /// <c>"preprocessing": {...}</c> for one with a preprocessing map (each left out otherwise, so a flow without them
    /// reads and writes as before), and <c>"event": [...]</c> for a flow listed data to base (<see cref="Dsl.Flow.DataToBase"/>;
    /// over images with the standard normal base it is written in the image flow form, <see cref="ImageFlowJson.ImageFlow"/>).
    /// Rebuilt with <see cref="Flow.Over"/> or <see cref="Dsl.Flow.DataToBase"/> and <see cref="FlowSpec.WithBase"/>,
    /// <see cref="FlowSpec.WithPreprocessing"/>, <see cref="FlowSpec.WithContext"/> and <see cref="FlowSpec.Then(BijSpec)"/>,
    /// so every step is checked.
    /// </summary>
    public static readonly NodeCodec<FlowSpec> Flow = new(
        "a flow",
        (s, o) =>
        {
            if (s.Direction == FlowDirection.DataToBase)
            {
                o["event"] = new JsonArray(s.EventShape.Select(d => (JsonNode?)d).ToArray());
            }

            o["base"] = Distributions.Write(s.Base);
            if (s.ContextFeatures > 0)
            {
                o["context"] = s.ContextFeatures;
            }

            if (s.Preprocessing.Kind != ImagePreprocessingKind.None)
            {
                o["preprocessing"] = ImageFlowJson.Preprocessing.Write(s.Preprocessing);
            }

            o["steps"] = new JsonArray(s.Steps.Select(step => (JsonNode?)Bijectors.Write(step)).ToArray());
        },
        f =>
        {
            var baseDistribution = f.Node("base", Distributions);
            var flow = f.Has("event")
                ? JsonFields.Checked(f.At("event"), () => Dsl.Flow.DataToBase(f.Ints("event").Select(d => (long)d).ToArray()).WithBase(baseDistribution))
                : Dsl.Flow.Over(baseDistribution);
            if (f.Has("preprocessing"))
            {
                flow = flow.WithPreprocessing(f.Node("preprocessing", ImageFlowJson.Preprocessing));
            }

            if (f.OptionalInt("context") is { } context)
            {
                flow = JsonFields.Checked(f.At("context"), () => flow.WithContext(context));
            }

            return ThenSteps(flow, f);
        });

    /// <summary>The flow with the steps of the document's <c>"steps"</c> appended, each checked where it sits.</summary>
    internal static FlowSpec ThenSteps(FlowSpec flow, JsonFields f)
    {
        foreach (var step in f.Array("steps", (item, path) => (Path: path, Step: Bijectors.Read(item, path))))
        {
            flow = JsonFields.Checked(step.Path, () => flow.Then(step.Step));
        }

        return flow;
    }

    // The legacy form a coupling still writes, or null for "coupling".
    private static string? LegacyCoupling(CouplingSpec s) => (s.Mask, s.Net) switch
    {
        (MaskSpec, MlpSpec) when !s.LearntScale => s.FeatureMajor ? "spline_coupling" : s.Map is ShiftMap || s.Map == TanhAffine ? "affine_coupling" : null,
        (ImageMaskSpec, ConvResNetSpec) => (s.Map is ShiftMap && !s.LearntScale) || (s.Map == TanhAffine && s.LearntScale) ? "image_coupling" : null,
        _ => null,
    };

    private static void WriteCoupling(MaskSpec mask, MlpSpec net, JsonObject o)
    {
        o["mask"] = Mask.Write(mask);
        o["net"] = NetworkJson.Mlp.Write(net);
    }
}
