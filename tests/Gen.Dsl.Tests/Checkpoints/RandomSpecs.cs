using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>Model specs of every family with options drawn from a seeded random source, built through the public factories.</summary>
internal static class RandomSpecs
{
    /// <summary>A spec of a family chosen at random.</summary>
    public static IModelSpec<torch.nn.Module> Any(Random r) => r.Next(10) switch
    {
        9 => ImageFlow(r),
        7 => Rnn(r),
        8 => Gan(r),
        0 => Flow(r),
        1 => Made(r),
        2 => Nade(r),
        3 => Fvsbn(r),
        4 => PixelCnn(r),
        5 => GatedPixelCnn(r),
        _ => Vae(r),
    };

    /// <summary>A flow over vectors of 2–6 features, listed base to data or (a third of the time) data to base, conditional a third of the time.</summary>
    public static FlowSpec Flow(Random r)
    {
        int d = r.Next(2, 7);
        var flow = r.Next(3) == 0 ? Gen.Dsl.Flow.DataToBase(d) : Gen.Dsl.Flow.Over(Dist.StandardNormal(d));
        for (int i = r.Next(0, 9); i > 0; i--)
        {
            var step = Step(r, d);
            flow = flow.Then(r.Next(5) == 0 ? step.Inverted() : step);
        }

        return r.Next(3) == 0 ? flow.WithContext(r.Next(1, 4)) : flow;
    }

    /// <summary>
    /// A multi-scale image flow over [1–3, 2–8, 2–8] (C, H, W), conditional half the time (and then with a base that
    /// reads the context half of that), whose steps are drawn only among those that fit the events they see (squeezes
    /// need an even height and width, channel masks and factor-outs an even channel count).
    /// </summary>
    public static FlowSpec ImageFlow(Random r)
    {
        var flow = Gen.Dsl.ImageFlow.Over(r.Next(1, 4), 2 * r.Next(1, 5), 2 * r.Next(1, 5)).WithPreprocessing(r.Next(3) switch
        {
            0 => ImagePreprocessing.None,
            1 => ImagePreprocessing.Centred(r.Next(2, 257)),
            _ => ImagePreprocessing.Logit(r.Next(2, 257), 0.001 + (r.NextDouble() * 0.4)),
        });
        flow = r.Next(2) == 0 ? flow.WithContext(r.Next(1, 5)) : flow;
        if (flow.ContextFeatures > 0 && r.Next(2) == 0)
        {
            flow = flow.WithBase(Dist.ConditionalNormal((int)flow.Features, flow.ContextFeatures, Net.Mlp(r.Next(1, 6))));
        }

        for (int i = r.Next(0, 9); i > 0; i--)
        {
            var shape = flow.OutputShape;
            bool evenChannels = shape[0] % 2 == 0;
            bool evenSize = shape[1] % 2 == 0 && shape[2] % 2 == 0;
            bool checkerboard = shape[1] * shape[2] >= 2;
            var fits = new List<Func<BijSpec>> { ImageBij.ActNorm, () => ImageBij.Conv1x1(r.Next(2) == 0) };
            if (evenSize)
            {
                fits.Add(ImageBij.Squeeze);
            }

            if (evenChannels)
            {
                fits.Add(ImageBij.FactorOut);
            }

            if (evenChannels || checkerboard)
            {
                ImageMaskSpec Mask() => evenChannels && (!checkerboard || r.Next(2) == 0) ? ImageMask.Channel(r.Next(2) == 0) : ImageMask.Checkerboard(r.Next(2) == 0);
                ConvResNetSpec Conditioner() => Net.ConvResNet(r.Next(1, 6), r.Next(0, 3)).WithActivation(Activation(r)).WithNormalization(Normalization(r));
                fits.Add(() => ImageBij.AdditiveCoupling(Mask(), Conditioner()));
                fits.Add(() => ImageBij.AffineCoupling(Mask(), Conditioner()));
                fits.Add(() => ImageBij.AffineCoupling(Mask(), Conditioner()));
                fits.Add(() => Bij.Coupling(Mask(), Conditioner(), r.Next(2) == 0 ? Univariate.Spline(r.Next(2, 9), 1 + (r.NextDouble() * 4)) : Univariate.Affine()));
                fits.Add(() => Bij.Coupling(Mask(), Net.Mlp(r.Next(1, 6)).WithActivation(Activation(r)), Univariate.Shift()));
            }

            flow = flow.Then(fits[r.Next(fits.Count)]());
        }

        return flow;
    }

    public static MadeSpec Made(Random r)
    {
        int d = r.Next(1, 12);
        var order = Order(r, d);
        var degrees = Degrees(r);
        int masks = order.IsRandom || degrees.IsRandom ? r.Next(1, 5) : 1;
        return Autoregressive.Made(d, Hidden(r, 1)).WithOrder(order).WithDegrees(degrees).WithOutputsPerFeature(r.Next(1, 4))
            .WithContext(r.Next(0, 4)).WithMasks(masks).WithActivation(Activation(r)).WithDirectConnections(r.Next(2) == 0);
    }

    public static RnnSpec Rnn(Random r)
    {
        int d = r.Next(1, 50);
        return Autoregressive.Rnn(d, r.Next(1, 40)).WithLayers(r.Next(1, 4)).WithOrder(Order(r, d));
    }

    public static GanSpec Gan(Random r)
    {
        // A third are conditional: the classes come first, since a generator whose batch norms read the class must agree.
        int classes = r.Next(3) == 0 ? r.Next(2, 11) : 0;
        GanSpec Classes(GanSpec gan) => classes == 0 ? gan : gan.WithClasses(classes);

        // A third are image GANs whose networks are each convolutional, residual, style-based (the generator) or an MLP;
        // residual and style-based networks take even sides (one pooling or up-sampling block, or none).
        var spec = r.Next(3) == 0
            ? Classes(Adversarial.Gan(r.Next(1, 9), r.Next(1, 4), 2 * r.Next(4, 9), 2 * r.Next(4, 9)))
                .Generator(r.Next(4) switch
                {
                    0 => Mlp(r),
                    1 => classes > 0 && r.Next(2) == 0 ? Net.ResNetGenerator(r.Next(1, 9), 1).WithClasses(classes, r.Next(1, 9)) : Net.ResNetGenerator(r.Next(1, 9), 1),
                    2 => StyleGenerator(r, classes),
                    _ => Net.ConvDecoder(Channels(r)).WithKernel(r.Next(2, 5), r.Next(1, 3)).WithActivation(Activation(r)).WithNormalization(Normalization(r)),
                })
                .Discriminator(r.Next(3) switch
                {
                    0 => Mlp(r),
                    1 => r.Next(2) == 0 ? Net.ResNetDiscriminator(r.Next(1, 9), r.Next(0, 2), r.Next(1, 3)) : Net.ResNetDiscriminator(r.Next(1, 9), r.Next(0, 2), r.Next(1, 3)).WithMinibatchStdDev(r.Next(2, 5)),
                    _ => Net.ConvEncoder(Channels(r)).WithKernel(r.Next(2, 5), r.Next(1, 3)).WithActivation(Activation(r)).WithNormalization(Normalization(r)),
                })
            : Classes(Adversarial.Gan(r.Next(1, 9), r.Next(1, 9))).Generator(Net.Mlp(Hidden(r, 1)).WithActivation(Activation(r))).Discriminator(Mlp(r));
        spec = r.Next(2) == 0 ? spec.WithSpectralNorm() : spec;
        spec = r.Next(3) == 0 ? spec.WithGeneratorOutput(Activation(r)) : spec;
        return r.Next(3) == 0 ? spec.WithGeneratorAverage(0.5 + (r.NextDouble() * 0.499)) : spec;
    }

    private static StyleGeneratorSpec StyleGenerator(Random r, int classes)
    {
        var spec = Net.StyleGenerator(r.Next(1, 9), r.Next(0, 2), r.Next(1, 9), r.Next(1, 4)).WithMappingRate(r.Next(2) == 0 ? 0.01 : Math.Min(1, r.NextDouble() + 1e-3));
        return classes > 0 && r.Next(2) == 0 ? spec.WithClasses(classes) : spec;
    }

    public static NadeSpec Nade(Random r)
    {
        int d = r.Next(1, 50);
        return Autoregressive.Nade(d, r.Next(1, 40)).WithOrder(Order(r, d));
    }

    public static FvsbnSpec Fvsbn(Random r)
    {
        int d = r.Next(1, 50);
        return Autoregressive.Fvsbn(d).WithOrder(Order(r, d));
    }

    public static PixelCnnSpec PixelCnn(Random r)
    {
        int c = r.Next(1, 4);
        return Autoregressive.PixelCnn(c, r.Next(1, 9), r.Next(1, 9)).WithFilters(2 * (c + r.Next(0, 6))).WithResidualBlocks(r.Next(0, 4)).WithHead(Head(r));
    }

    public static GatedPixelCnnSpec GatedPixelCnn(Random r)
    {
        int c = r.Next(1, 4);
        return Autoregressive.GatedPixelCnn(c, r.Next(1, 9), r.Next(1, 9)).WithFilters(c + r.Next(0, 8)).WithLayers(r.Next(1, 5))
            .WithClasses(r.Next(3) == 0 ? 0 : r.Next(1, 11)).WithHead(Head(r));
    }

    public static VaeSpec Vae(Random r)
    {
        var objective = r.Next(3) switch
        {
            0 => LatentObjective.Elbo(),
            1 => LatentObjective.Iwae(r.Next(1, 20)),
            _ => LatentObjective.IwaeDreg(r.Next(1, 20)),
        };
        var likelihood = r.Next(3) switch
        {
            0 => (HeadSpec)Likelihood.Bernoulli(),
            1 => Likelihood.Gaussian(),
            _ => Likelihood.GaussianWithScale(0.001 + (r.NextDouble() * 3)),
        };
        var flow = (PosteriorFlowKind)r.Next(4);
        // A third are image VAEs, whose networks are each convolutional or an MLP; 8 pixels or more take two stride-2 layers.
        var vae = r.Next(3) == 0
            ? Dsl.Latent.Vae(r.Next(1, 4), r.Next(8, 33), r.Next(8, 33), r.Next(1, 40))
                .WithEncoder(r.Next(2) == 0 ? Mlp(r) : Net.ConvEncoder(Channels(r)).WithKernel(r.Next(2, 5), r.Next(1, 3)).WithActivation(Activation(r)).WithNormalization(Normalization(r)))
                .WithDecoder(r.Next(2) == 0 ? Mlp(r) : Net.ConvDecoder(Channels(r)).WithKernel(r.Next(2, 5), r.Next(1, 3)).WithActivation(Activation(r)).WithNormalization(Normalization(r)))
            : Dsl.Latent.Vae(r.Next(1, 800), r.Next(1, 40)).WithEncoder(Mlp(r)).WithDecoder(Mlp(r));
        return vae.WithLikelihood(likelihood).WithObjective(objective)
            .WithKl(r.Next(2) == 0 ? KlEstimate.Analytic : KlEstimate.MonteCarlo)
            .WithBeta(r.Next(3) == 0 ? 1 : r.NextDouble() * 4).WithKlWarmUp(r.Next(3) == 0 ? 0 : r.Next(1, 10_000))
            .WithFreeBits(objective.IsElbo && r.Next(2) == 0 ? r.NextDouble() : 0)
            .WithPosteriorFlow(flow, flow == PosteriorFlowKind.None ? 0 : r.Next(1, 6));
    }

    private static BijSpec Step(Random r, int d) => r.Next(9) switch
    {
        0 => Bij.AffineCoupling(Mask(r, d), Mlp(r)),
        1 => Bij.AdditiveCoupling(Mask(r, d), Mlp(r)),
        2 => Bij.SplineCoupling(Mask(r, d), Mlp(r), r.Next(2, 12), 0.25 + (r.NextDouble() * 5)),
        3 => r.Next(2) == 0 ? Bij.Reverse() : Bij.Permute(r.Next()),
        4 => Bij.Affine(),
        5 => (r.Next(2) == 0 ? Bij.MaskedAutoregressive(Hidden(r, 1)) : Bij.InverseAutoregressive(Hidden(r, 1)))
            .WithOrder(Order(r, d)).WithDegrees(Degrees(r)).WithActivation(Activation(r)),
        6 => Bij.Planar(),
        7 => Bij.Radial(),
        _ => Bij.AffineCoupling(Mask(r, d).Flipped(), Mlp(r)),
    };

    private static MaskSpec Mask(Random r, int d) => r.Next(2) == 0 ? Gen.Dsl.Mask.Alternating(d, r.Next(2) == 0) : Gen.Dsl.Mask.Halves(d, r.Next(2) == 0);

    private static MlpSpec Mlp(Random r) => Net.Mlp(Hidden(r, 0)).WithActivation(Activation(r)).WithNormalization(Normalization(r));

    private static Normalization Normalization(Random r) => Enum.GetValues<Normalization>()[r.Next(Enum.GetValues<Normalization>().Length)];

    private static int[] Channels(Random r) => Enumerable.Range(0, r.Next(1, 3)).Select(_ => r.Next(1, 17)).ToArray();

    private static int[] Hidden(Random r, int min) => Enumerable.Range(0, r.Next(min, 4)).Select(_ => r.Next(1, 65)).ToArray();

    private static Activation Activation(Random r) => Enum.GetValues<Activation>()[r.Next(Enum.GetValues<Activation>().Length)];

    private static HiddenDegrees Degrees(Random r) => r.Next(2) == 0 ? HiddenDegrees.Even : HiddenDegrees.Random(r.Next());

    private static InputOrder Order(Random r, int features) => r.Next(4) switch
    {
        0 => InputOrder.Natural,
        1 => InputOrder.Reversed,
        2 => InputOrder.Random(r.Next()),
        _ => InputOrder.Given(Enumerable.Range(0, features).OrderBy(_ => r.Next()).ToArray()),
    };

    private static HeadSpec Head(Random r) => r.Next(4) switch
    {
        0 => PixelHead.Bernoulli(),
        2 => PixelHead.Gaussian(),
        1 => PixelHead.Categorical(r.Next(2, 257)),
        _ => PixelHead.DiscretizedLogisticMixture(r.Next(1, 11), r.Next(2, 257)),
    };
}
