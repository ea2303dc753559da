using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl.Tests.IllFormedSpecs;

/// <summary>
/// Specs of every family with exactly one defect each, the rest drawn well formed from a seeded random source. Most
/// go through the public factories; some are assembled with record constructors (as C# <c>with</c> or deserialising
/// code could), which the checks at Compile must catch before any tensor exists.
/// </summary>
internal static class IllFormedSpecs
{
    /// <summary>The defect kinds, by name; each draws its sizes and its well-formed surroundings from the random source.</summary>
    public static IReadOnlyList<(string Kind, Func<Random, IllFormedCase> Draw)> Kinds { get; } = new (string, Func<Random, IllFormedCase>)[]
    {
        ("flow coupling mask width", CouplingMaskWidth),
        ("flow autoregressive order length", FlowOrderLength),
        ("flow constructed with a mismatched step", ConstructedFlow),
        ("flow spline bins", SplineBins),
        ("flow spline bound", SplineBound),
        ("flow autoregressive layer without hidden layers", AutoregressiveLayerWithoutHidden),
        ("flow repeat count", FlowRepeat),
        ("flow network activation", FlowActivation),
        ("network normalisation", NetworkNormalization),
        ("mask width", MaskWidth),
        ("mlp width", MlpWidth),
        ("base distribution width", BaseWidth),
        ("made size", MadeSize),
        ("made masks", MadeMasks),
        ("made order", MadeOrder),
        ("made density head", MadeDensityHead),
        ("order permutation", OrderPermutation),
        ("nade, fvsbn or rnn size", BinaryModelSize),
        ("nade, fvsbn or rnn order", BinaryModelOrder),
        ("pixel cnn image shape", PixelImage),
        ("pixel cnn filters", PixelFilters),
        ("pixel cnn depth", PixelDepth),
        ("pixel head", PixelHeadValues),
        ("vae size", VaeSize),
        ("vae network", VaeNetwork),
        ("vae training weight", VaeWeights),
        ("vae free bits objective", VaeFreeBitsObjective),
        ("vae posterior flow", VaePosteriorFlow),
        ("vae objective samples", VaeSamples),
        ("vae likelihood scale", VaeScale),
        ("gan size", GanSize),
        ("gan network", GanNetwork),
        ("gan classes", GanClasses),
        ("gan constructed", ConstructedGan),
        ("adversarial weight", AdversarialWeight),
    };

    /// <summary>A case of a kind chosen at random.</summary>
    public static IllFormedCase Any(Random r) => Kinds[r.Next(Kinds.Count)].Draw(r);

    // ---- flows ----

    private static IllFormedCase CouplingMaskWidth(Random r)
    {
        int d = r.Next(2, 9), m = Other(r, d, 2, 9), k = r.Next(0, 3);
        var mask = r.Next(2) == 0 ? Mask.Alternating(m, r.Next(2) == 0) : Mask.Halves(m, r.Next(2) == 0);
        var net = Mlp(r);
        BijSpec step = r.Next(3) switch
        {
            0 => Bij.AffineCoupling(mask, net),
            1 => Bij.AdditiveCoupling(mask, net),
            _ => Bij.SplineCoupling(mask, net, r.Next(2, 9), 1 + r.NextDouble()),
        };
        return new($"{step} after {k} steps of a flow over {d} features", () => FlowPrefix(r, d, k).Then(step),
            $"flow.steps[{k}].mask", new[] { $"{m} features", $"have {d}" });
    }

    private static IllFormedCase FlowOrderLength(Random r)
    {
        int d = r.Next(1, 9), m = Other(r, d, 1, 9), k = r.Next(0, 3);
        var layer = (r.Next(2) == 0 ? Bij.MaskedAutoregressive(Hidden(r, 1)) : Bij.InverseAutoregressive(Hidden(r, 1)))
            .WithOrder(InputOrder.Given(Permutation(r, m)));
        return new($"{layer} over {d} features", () => FlowPrefix(r, d, k).Then(layer),
            $"flow.steps[{k}].order", new[] { $"has {m} features", $"model has {d}" });
    }

    private static IllFormedCase ConstructedFlow(Random r)
    {
        // The record constructor skips Then's check; Compile must still refuse before building anything.
        int d = r.Next(2, 9), m = Other(r, d, 2, 9), k = r.Next(0, 3);
        var steps = FlowPrefix(r, d, k).Steps.Add(Bij.AffineCoupling(Mask.Alternating(m), Mlp(r)));
        var spec = new FlowSpec(Dist.StandardNormal(d), steps);
        return new($"constructed flow over {d} features with a {m}-feature coupling at step {k}", () => spec.Compile(Device.Cpu).Dispose(),
            $"flow.steps[{k}].mask", new[] { $"{m} features", $"have {d}" });
    }

    private static IllFormedCase SplineBins(Random r)
    {
        // Too few bins, or so many that the minimum share of each would use up the whole interval.
        int d = r.Next(2, 9), bins = r.Next(2) == 0 ? r.Next(-3, 2) : r.Next(1000, 1200);
        return new($"spline with {bins} bins", () => Bij.SplineCoupling(Mask.Alternating(d), Mlp(r), bins, 2.0),
            "spline_coupling.bins", new[] { $"got {bins}" });
    }

    private static IllFormedCase SplineBound(Random r)
    {
        int d = r.Next(2, 9);
        double bound = new[] { 0.0, -r.NextDouble() - 0.1, double.NaN, double.PositiveInfinity }[r.Next(4)];
        return new($"spline with bound {bound}", () => Bij.SplineCoupling(Mask.Alternating(d), Mlp(r), 4, bound),
            "spline_coupling.bound", new[] { $"got {bound.ToString(CultureInfo.CurrentCulture)}" });
    }

    private static IllFormedCase AutoregressiveLayerWithoutHidden(Random r)
    {
        bool inverse = r.Next(2) == 0;
        if (r.Next(2) == 0)
        {
            return new("autoregressive layer with no hidden layer", () => _ = inverse ? Bij.InverseAutoregressive() : Bij.MaskedAutoregressive(),
                inverse ? "iaf.hidden" : "maf.hidden", new[] { "at least one hidden layer" });
        }

        var (hidden, j, w) = BadHidden(r);
        return new($"autoregressive layer with hidden [{string.Join(", ", hidden)}]", () => _ = inverse ? Bij.InverseAutoregressive(hidden) : Bij.MaskedAutoregressive(hidden),
            $"{(inverse ? "iaf" : "maf")}.hidden[{j}]", new[] { $"got {w}" });
    }

    private static IllFormedCase FlowRepeat(Random r)
    {
        int times = r.Next(-3, 1);
        return new($"flow repeated {times} times", () => FlowPrefix(r, r.Next(2, 6), 1).Repeat(times), "times", new[] { times.ToString(CultureInfo.InvariantCulture) });
    }

    private static IllFormedCase FlowActivation(Random r)
    {
        int d = r.Next(2, 9), k = r.Next(0, 3), code = r.Next(Enum.GetValues<Activation>().Length, 100);
        var activation = (Activation)code;
        if (r.Next(2) == 0)
        {
            var step = Bij.AffineCoupling(Mask.Alternating(d), Net.Mlp(Hidden(r, 0)).WithActivation(activation));
            return new($"coupling network with activation {code}", () => FlowPrefix(r, d, k).Then(step),
                $"flow.steps[{k}].net.activation", new[] { $"unknown activation {code}" });
        }

        var layer = Bij.MaskedAutoregressive(Hidden(r, 1)).WithActivation(activation);
        return new($"MAF with activation {code}", () => FlowPrefix(r, d, k).Then(layer),
            $"flow.steps[{k}].activation", new[] { $"unknown activation {code}" });
    }

    private static IllFormedCase NetworkNormalization(Random r)
    {
        // Set through the record's init accessor, past WithNormalization's check: adding the step must catch it.
        int d = r.Next(2, 9), k = r.Next(0, 3), code = r.Next(3, 100);
        var normalization = (Normalization)code;
        if (r.Next(2) == 0)
        {
            var step = Bij.AffineCoupling(Mask.Alternating(d), Net.Mlp(Hidden(r, 0)) with { Normalization = normalization });
            return new($"coupling network with normalisation {code}", () => FlowPrefix(r, d, k).Then(step),
                $"flow.steps[{k}].net.normalization", new[] { $"unknown normalisation {code}" });
        }

        var net = Net.ConvResNet(r.Next(1, 9), r.Next(0, 3)) with { Normalization = normalization };
        return new($"image coupling network with normalisation {code}", () => ImageBij.AffineCoupling(ImageMask.Checkerboard(), net),
            "coupling.net.normalization", new[] { $"unknown normalisation {code}" });
    }

    private static IllFormedCase MaskWidth(Random r)
    {
        int m = r.Next(-2, 2);
        return new($"mask over {m} features", () => _ = r.Next(2) == 0 ? Mask.Alternating(m) : Mask.Halves(m), "mask", new[] { $"got {m}" });
    }

    private static IllFormedCase MlpWidth(Random r)
    {
        var (hidden, j, w) = BadHidden(r);
        return new($"Mlp({string.Join(", ", hidden)})", () => Net.Mlp(hidden), $"mlp.hidden[{j}]", new[] { $"got {w}" });
    }

    private static IllFormedCase BaseWidth(Random r)
    {
        int n = r.Next(-3, 1);
        return new($"StandardNormal({n})", () => Dist.StandardNormal(n), "dist.standard_normal", new[] { $"got {n}" });
    }

    // ---- autoregressive models ----

    private static IllFormedCase MadeSize(Random r)
    {
        int d = r.Next(1, 9);
        switch (r.Next(4))
        {
            case 0:
                int f = r.Next(-3, 1);
                return new($"MADE over {f} features", () => Autoregressive.Made(f, Hidden(r, 1)), "made.features", new[] { $"got {f}" });
            case 1:
                return new("MADE without hidden layers", () => Autoregressive.Made(d), "made.hidden", new[] { "at least one hidden layer" });
            case 2:
                int k = r.Next(-2, 1);
                return new($"MADE with {k} outputs per feature", () => Autoregressive.Made(d, Hidden(r, 1)).WithOutputsPerFeature(k), "made.outputs_per_feature", new[] { $"got {k}" });
            default:
                int c = r.Next(-5, 0);
                return new($"MADE with context {c}", () => Autoregressive.Made(d, Hidden(r, 1)).WithContext(c), "made.context", new[] { $"got {c}" });
        }
    }

    private static IllFormedCase MadeMasks(Random r)
    {
        int d = r.Next(1, 9);
        if (r.Next(2) == 0)
        {
            int masks = r.Next(-2, 1);
            return new($"MADE with {masks} masks", () => Autoregressive.Made(d, Hidden(r, 1)).WithOrder(InputOrder.Random(1)).WithMasks(masks), "made.masks", new[] { $"got {masks}" });
        }

        int many = r.Next(2, 6);
        var order = r.Next(2) == 0 ? InputOrder.Natural : InputOrder.Reversed;
        return new($"MADE with {many} identical masks", () => Autoregressive.Made(d, Hidden(r, 1)).WithDegrees(HiddenDegrees.Even).WithOrder(order).WithMasks(many),
            "made.masks", new[] { $"{many} masks", "would all be the same" });
    }

    private static IllFormedCase MadeOrder(Random r)
    {
        int d = r.Next(1, 9), m = Other(r, d, 1, 9);
        return new($"MADE over {d} features with an order of {m}", () => Autoregressive.Made(d, Hidden(r, 1)).WithOrder(InputOrder.Given(Permutation(r, m))),
            "made.order", new[] { $"has {m} features", $"model has {d}" });
    }

    private static IllFormedCase MadeDensityHead(Random r)
    {
        int d = r.Next(1, 9);
        if (r.Next(2) == 0)
        {
            int k = r.Next(2, 5);
            var spec = Autoregressive.Made(d, Hidden(r, 1)).WithOutputsPerFeature(k);
            return new($"MADE density model with {k} outputs per feature", () => spec.Compile(Device.Cpu).Dispose(), "made.outputs_per_feature", new[] { $"has {k}", "CompileNetwork" });
        }

        int c = r.Next(1, 5);
        var conditional = Autoregressive.Made(d, Hidden(r, 1)).WithContext(c);
        return new($"MADE density model with context {c}", () => conditional.Compile(Device.Cpu).Dispose(), "made.context", new[] { $"{c} context features", "CompileNetwork" });
    }

    private static IllFormedCase OrderPermutation(Random r)
    {
        int m = r.Next(1, 8);
        var order = Permutation(r, m);
        order[r.Next(m)] = r.Next(2) == 0 ? m + r.Next(0, 3) : -1 - r.Next(0, 3);
        return new($"order [{string.Join(", ", order)}]", () => InputOrder.Given(order), "order", new[] { "is not a permutation" });
    }

    private static IllFormedCase BinaryModelSize(Random r)
    {
        int bad = r.Next(-3, 1), d = r.Next(1, 20), h = r.Next(1, 20);
        return r.Next(6) switch
        {
            0 => new($"NADE over {bad} features", () => Autoregressive.Nade(bad, h), "nade.features", new[] { $"got {bad}" }),
            1 => new($"NADE with {bad} hidden units", () => Autoregressive.Nade(d, bad), "nade.hidden", new[] { $"got {bad}" }),
            2 => new($"FVSBN over {bad} features", () => Autoregressive.Fvsbn(bad), "fvsbn.features", new[] { $"got {bad}" }),
            3 => new($"RNN over {bad} features", () => Autoregressive.Rnn(bad, h), "rnn.features", new[] { $"got {bad}" }),
            4 => new($"RNN with {bad} hidden units", () => Autoregressive.Rnn(d, bad), "rnn.hidden", new[] { $"got {bad}" }),
            _ => new($"RNN with {bad} layers", () => Autoregressive.Rnn(d, h).WithLayers(bad), "rnn.layers", new[] { $"got {bad}" }),
        };
    }

    private static IllFormedCase BinaryModelOrder(Random r)
    {
        int d = r.Next(1, 9), m = Other(r, d, 1, 9);
        var order = InputOrder.Given(Permutation(r, m));
        string[] words = { $"has {m} features", $"model has {d}" };
        return r.Next(3) switch
        {
            0 => new($"NADE over {d} with an order of {m}", () => Autoregressive.Nade(d, 4).WithOrder(order), "nade.order", words),
            1 => new($"FVSBN over {d} with an order of {m}", () => Autoregressive.Fvsbn(d).WithOrder(order), "fvsbn.order", words),
            _ => new($"RNN over {d} with an order of {m}", () => Autoregressive.Rnn(d, 4).WithOrder(order), "rnn.order", words),
        };
    }

    // ---- pixel models ----

    private static IllFormedCase PixelImage(Random r)
    {
        int bad = r.Next(-2, 1), c = r.Next(1, 4), h = r.Next(1, 9), w = r.Next(1, 9);
        int which = r.Next(3);
        var name = new[] { "channels", "height", "width" }[which];
        int[] shape = { which == 0 ? bad : c, which == 1 ? bad : h, which == 2 ? bad : w };
        return r.Next(2) == 0
            ? new($"PixelCNN {string.Join("×", shape)}", () => Autoregressive.PixelCnn(shape[0], shape[1], shape[2]), $"pixel_cnn.{name}", new[] { $"got {bad}" })
            : new($"gated PixelCNN {string.Join("×", shape)}", () => Autoregressive.GatedPixelCnn(shape[0], shape[1], shape[2]), $"gated_pixel_cnn.{name}", new[] { $"got {bad}" });
    }

    private static IllFormedCase PixelFilters(Random r)
    {
        int c = r.Next(1, 4);
        if (r.Next(2) == 0)
        {
            // Odd, or too few for every colour group to keep a feature in the residual blocks.
            int filters = r.Next(2) == 0 ? (2 * r.Next(c, 10)) + 1 : 2 * r.Next(-2, c);
            return new($"PixelCNN with {c} channels and {filters} filters", () => Autoregressive.PixelCnn(c, 4, 4).WithFilters(filters),
                "pixel_cnn.filters", new[] { $"got {filters}", $"{c} colour channel" });
        }

        int few = r.Next(-2, c);
        return new($"gated PixelCNN with {c} channels and {few} filters", () => Autoregressive.GatedPixelCnn(c, 4, 4).WithFilters(few),
            "gated_pixel_cnn.filters", new[] { $"got {few}", $"{c} colour channel" });
    }

    private static IllFormedCase PixelDepth(Random r)
    {
        int bad = r.Next(-3, 0);
        return r.Next(3) switch
        {
            0 => new($"PixelCNN with {bad} residual blocks", () => Autoregressive.PixelCnn(1, 4, 4).WithResidualBlocks(bad), "pixel_cnn.residual_blocks", new[] { $"got {bad}" }),
            1 => new($"gated PixelCNN with {bad + 1} layers", () => Autoregressive.GatedPixelCnn(1, 4, 4).WithLayers(bad + 1), "gated_pixel_cnn.layers", new[] { $"got {bad + 1}" }),
            _ => new($"gated PixelCNN with {bad} classes", () => Autoregressive.GatedPixelCnn(1, 4, 4).WithClasses(bad), "gated_pixel_cnn.classes", new[] { $"got {bad}" }),
        };
    }

    private static IllFormedCase PixelHeadValues(Random r)
    {
        int levels = r.Next(-2, 2), components = r.Next(-2, 1);
        return r.Next(3) switch
        {
            0 => new($"categorical head with {levels} levels", () => PixelHead.Categorical(levels), "head.levels", new[] { "two values" }),
            1 => new($"logistic mixture head with {levels} levels", () => PixelHead.DiscretizedLogisticMixture(3, levels), "head.levels", new[] { "two values" }),
            _ => new($"logistic mixture head with {components} components", () => PixelHead.DiscretizedLogisticMixture(components, 256), "head.components", new[] { "one component" }),
        };
    }

    // ---- latent-variable models ----

    private static IllFormedCase VaeSize(Random r)
    {
        int bad = r.Next(-3, 1);
        return r.Next(2) == 0
            ? new($"VAE over {bad} features", () => Dsl.Latent.Vae(bad, r.Next(1, 9)), "vae.features", new[] { $"got {bad}" })
            : new($"VAE with {bad} latent dimensions", () => Dsl.Latent.Vae(r.Next(1, 50), bad), "vae.latent", new[] { $"got {bad}" });
    }

    private static IllFormedCase VaeNetwork(Random r)
    {
        // Built with the record constructor, so Net.Mlp's own check does not run first.
        var (hidden, j, w) = BadHidden(r);
        var net = new MlpSpec(new ValueList<int>(hidden), Activation.Relu);
        var vae = Dsl.Latent.Vae(r.Next(1, 50), r.Next(1, 9));
        return r.Next(2) == 0
            ? new($"VAE encoder [{string.Join(", ", hidden)}]", () => vae.WithEncoder(net), $"vae.encoder.hidden[{j}]", new[] { $"got {w}" })
            : new($"VAE decoder [{string.Join(", ", hidden)}]", () => vae.WithDecoder(net), $"vae.decoder.hidden[{j}]", new[] { $"got {w}" });
    }

    private static IllFormedCase VaeWeights(Random r)
    {
        var vae = Dsl.Latent.Vae(r.Next(1, 50), r.Next(1, 9));
        double bad = new[] { -r.NextDouble() - 1e-3, double.NaN, double.PositiveInfinity, double.NegativeInfinity }[r.Next(4)];
        return r.Next(3) switch
        {
            0 => new($"VAE with beta {bad}", () => vae.WithBeta(bad), "vae.beta", new[] { "finite and 0 or more" }),
            1 => new($"VAE with {bad} free bits", () => vae.WithFreeBits(bad), "vae.free_bits", new[] { "finite and 0 or more" }),
            _ => new("VAE with a negative warm-up", () => vae.WithKlWarmUp(r.Next(-100, 0)), "vae.kl_warm_up", new[] { "0 or more" }),
        };
    }

    private static IllFormedCase VaeFreeBitsObjective(Random r)
    {
        var objective = r.Next(2) == 0 ? LatentObjective.Iwae(r.Next(2, 9)) : LatentObjective.IwaeDreg(r.Next(1, 9));
        var vae = Dsl.Latent.Vae(r.Next(1, 50), r.Next(1, 9));
        // Either order of the two calls: the second one completes the defect.
        return r.Next(2) == 0
            ? new($"VAE with free bits, then {objective}", () => vae.WithFreeBits(0.5).WithObjective(objective), "vae.free_bits", new[] { objective.ToString() })
            : new($"VAE with {objective}, then free bits", () => vae.WithObjective(objective).WithFreeBits(0.5), "vae.free_bits", new[] { objective.ToString() });
    }

    private static IllFormedCase VaePosteriorFlow(Random r)
    {
        var vae = Dsl.Latent.Vae(r.Next(1, 50), r.Next(1, 9));
        switch (r.Next(5))
        {
            case 0:
                var kind = r.Next(2) == 0 ? PosteriorFlowKind.Planar : PosteriorFlowKind.Radial;
                int steps = r.Next(-3, 1);
                return new($"VAE with {steps} {kind} steps", () => vae.WithPosteriorFlow(kind, steps), "vae.posterior_flow", new[] { $"got {steps}" });
            case 1:
                int extra = r.Next(1, 5);
                return new($"VAE with no flow but {extra} steps", () => vae.WithPosteriorFlow(PosteriorFlowKind.None, extra), "vae.posterior_flow", new[] { "0 steps", $"got {extra}" });
            case 2:
                // Past the last kind the enum declares (Steps, given with WithPosteriorSteps, is a known kind).
                int unknown = r.Next(Enum.GetValues<PosteriorFlowKind>().Length, 50);
                return new("VAE with an unknown flow kind", () => vae.WithPosteriorFlow((PosteriorFlowKind)unknown, 1), "vae.posterior_flow", new[] { "unknown flow kind" });
            case 3:
                return new("VAE with steps of any kind asked of WithPosteriorFlow", () => vae.WithPosteriorFlow(PosteriorFlowKind.Steps, r.Next(1, 5)), "vae.posterior_flow", new[] { "WithPosteriorSteps" });
            default:
                return new("VAE with an unknown KL estimate", () => vae.WithKl((KlEstimate)r.Next(Enum.GetValues<KlEstimate>().Length, 50)), "vae.kl", new[] { "unknown KL estimate" });
        }
    }

    private static IllFormedCase VaeSamples(Random r)
    {
        int k = r.Next(-3, 1);
        return r.Next(2) == 0
            ? new($"IWAE with k = {k}", () => LatentObjective.Iwae(k), "'k'", new[] { $"got {k}" })
            : new($"IWAE-DReG with k = {k}", () => LatentObjective.IwaeDreg(k), "'k'", new[] { $"got {k}" });
    }

    private static IllFormedCase VaeScale(Random r)
    {
        double scale = new[] { 0.0, -r.NextDouble() - 1e-3, double.NaN, double.PositiveInfinity }[r.Next(4)];
        return new($"Gaussian likelihood with scale {scale}", () => Likelihood.GaussianWithScale(scale), "scale", new[] { "positive and finite" });
    }

    // ---- adversarial models ----

    private static IllFormedCase GanSize(Random r)
    {
        int bad = r.Next(-3, 1);
        return r.Next(2) == 0
            ? new($"GAN with latent {bad}", () => Adversarial.Gan(bad, r.Next(1, 9)), "gan.latent", new[] { $"got {bad}" })
            : new($"GAN with data {bad}", () => Adversarial.Gan(r.Next(1, 9), bad), "gan.data", new[] { $"got [{bad}]" });
    }

    private static IllFormedCase GanNetwork(Random r)
    {
        var (hidden, j, w) = BadHidden(r);
        var net = new MlpSpec(new ValueList<int>(hidden), Activation.Relu);
        var gan = Adversarial.Gan(r.Next(1, 9), r.Next(1, 9));
        return r.Next(2) == 0
            ? new($"GAN generator [{string.Join(", ", hidden)}]", () => gan.Generator(net), $"gan.generator.hidden[{j}]", new[] { $"got {w}" })
            : new($"GAN discriminator [{string.Join(", ", hidden)}]", () => gan.Discriminator(net), $"gan.discriminator.hidden[{j}]", new[] { $"got {w}" });
    }

    private static IllFormedCase GanClasses(Random r)
    {
        int classes = r.Next(-3, 2);
        return new($"GAN with {classes} classes", () => Adversarial.Gan(2, 2).WithClasses(classes), "gan.classes", new[] { $"got {classes}" });
    }

    private static IllFormedCase ConstructedGan(Random r)
    {
        // The record constructor skips Adversarial.Gan's checks; Compile must still refuse before building anything.
        int latent = r.Next(1, 9), data = r.Next(1, 9), bad = r.Next(-3, 1);
        var good = Net.Mlp(Hidden(r, 0));
        var (hidden, j, w) = BadHidden(r);
        var badNet = new MlpSpec(new ValueList<int>(hidden), Activation.Relu);
        var (spec, path, words) = r.Next(5) switch
        {
            0 => (new GanSpec(bad, Vector(data), good, good, false, 0), "gan.latent", new[] { $"got {bad}" }),
            1 => (new GanSpec(latent, Vector(bad), good, good, false, 0), "gan.data", new[] { $"got [{bad}]" }),
            2 => (new GanSpec(latent, Vector(data), badNet, good, false, 0), $"gan.generator.hidden[{j}]", new[] { $"got {w}" }),
            3 => (new GanSpec(latent, Vector(data), good, badNet, true, 0), $"gan.discriminator.hidden[{j}]", new[] { $"got {w}" }),
            _ => (new GanSpec(latent, Vector(data), good, good, false, bad == 0 ? 1 : bad), "gan.classes", new[] { $"got {(bad == 0 ? 1 : bad)}" }),
        };
        return new($"constructed {spec.ToString().Replace('\n', ' ')}", () => spec.Compile(Device.Cpu).Dispose(), path, words);
    }

    private static ValueList<int> Vector(int features) => new(new[] { features });

    private static IllFormedCase AdversarialWeight(Random r)
    {
        double bad = new[] { -r.NextDouble() - 1e-3, double.NaN, double.PositiveInfinity }[r.Next(3)];
        return r.Next(4) switch
        {
            0 => new($"hinge loss times {bad}", () => _ = Objective.Hinge * bad, "adversarial_loss", new[] { "non-negative and finite" }),
            1 => new($"non-saturating loss plus R1 times {bad}", () => _ = Objective.NonSaturating + (bad * Penalty.R1), "adversarial_loss", new[] { "non-negative and finite" }),
            2 => new($"Wasserstein clipping at {bad}", () => Objective.WassersteinClipped(r.Next(2) == 0 ? 0 : bad), "wasserstein", new[] { "positive and finite" }),
            _ => new($"DRAGAN scale {bad}", () => Penalty.Dragan.WithScale(r.Next(2) == 0 ? 0 : bad), "dragan", new[] { "positive and finite" }),
        };
    }

    // ---- well-formed parts ----

    /// <summary>A well-formed flow over <paramref name="d"/> features with <paramref name="k"/> steps.</summary>
    private static FlowSpec FlowPrefix(Random r, int d, int k)
    {
        var flow = Flow.Over(Dist.StandardNormal(d));
        for (int i = 0; i < k; i++)
        {
            flow = flow.Then(r.Next(5) switch
            {
                0 => Bij.Reverse(),
                1 => Bij.Affine(),
                2 => Bij.MaskedAutoregressive(Hidden(r, 1)),
                3 => d >= 2 ? Bij.AffineCoupling(Mask.Alternating(d), Mlp(r)) : Bij.Planar(),
                _ => Bij.Radial(),
            });
        }

        return flow;
    }

    private static MlpSpec Mlp(Random r) => Net.Mlp(Hidden(r, 0)).WithActivation(Enum.GetValues<Activation>()[r.Next(Enum.GetValues<Activation>().Length)]);

    private static int[] Hidden(Random r, int min) => Enumerable.Range(0, r.Next(min, 4)).Select(_ => r.Next(1, 33)).ToArray();

    /// <summary>Hidden widths with exactly one that is not positive: the widths, its index and its value.</summary>
    private static (int[] Hidden, int Index, int Width) BadHidden(Random r)
    {
        var hidden = Hidden(r, 1);
        int j = r.Next(hidden.Length), w = r.Next(-64, 1);
        hidden[j] = w;
        return (hidden, j, w);
    }

    private static int[] Permutation(Random r, int n) => Enumerable.Range(0, n).OrderBy(_ => r.Next()).ToArray();

    /// <summary>A value in [lo, hi) other than <paramref name="not"/>.</summary>
    private static int Other(Random r, int not, int lo, int hi)
    {
        int v = r.Next(lo, hi - 1);
        return v >= not ? v + 1 : v;
    }
}
