using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Gen.Dsl;
using TorchSharp;

namespace HostileProbes.Specs;

/// <summary>
/// One small, valid spec of every model family that has a JSON form (and a second form where a family has two shapes
/// of document, such as an image VAE beside a vector one), built with the public factories. The probes write each to
/// JSON and damage the text, so every field the library writes is a field the probes attack.
/// </summary>
internal static class ValidSpecs
{
    /// <summary>The specs by name, in a fixed order, each with the C# that builds it (for reproductions).</summary>
    public static IReadOnlyList<Entry> All { get; } = new[]
    {
        Of("flow", Flow),
        Of("flow_conditional", () => Gen.Dsl.Flow.Over(Dist.ConditionalNormal(2, contextFeatures: 3, Net.Mlp(4)))
            .Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(4).WithActivation(Activation.Tanh).WithNormalization(Normalization.Layer)))
            .Then(Bij.MaskedAutoregressive(4).Inverted())),
        Of("image_flow", () => ImageFlow.Glow(1, 4, 4, levels: 2, stepsPerLevel: 1, hidden: 4).WithPreprocessing(ImagePreprocessing.Logit(17, 0.05))),
        Of("image_flow_realnvp", () => ImageFlow.RealNvp(1, 4, 4, scales: 1, hidden: 4, blocks: 1).WithContext(2)),
        Of("made", () => Autoregressive.Made(6, 16).WithOrder(InputOrder.Random(2)).WithMasks(3)),
        Of("nade", () => Autoregressive.Nade(6, 5).WithOrder(InputOrder.Reversed)),
        Of("fvsbn", () => Autoregressive.Fvsbn(6).WithOrder(InputOrder.Given(5, 3, 1, 0, 2, 4))),
        Of("pixel_cnn", () => Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1)),
        Of("pixel_cnn_logistic", () => Autoregressive.PixelCnn(3, 3, 3).WithFilters(6).WithResidualBlocks(1).WithHead(PixelHead.DiscretizedLogisticMixture(2, 8))),
        Of("gated_pixel_cnn", () => Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(2).WithLayers(2).WithClasses(3)),
        Of("vae", () => Latent.Vae(12, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8)).WithPosteriorFlow(PosteriorFlowKind.Planar, 2)),
        Of("vae_conv_iaf_prior", () => Latent.Vae(1, 8, 8, 2).WithEncoder(Net.ConvEncoder(4)).WithDecoder(Net.ConvDecoder(4))
            .WithPosteriorFlow(PosteriorFlowKind.InverseAutoregressive, 1)
            .WithPrior(Gen.Dsl.Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(4))))),
        Of("rnn", () => Autoregressive.Rnn(6, 5).WithLayers(2).WithOrder(InputOrder.Reversed)),
        Of("gan", () => Adversarial.Gan(3, 4).Generator(Net.Mlp(8)).Discriminator(Net.Mlp(8)).WithSpectralNorm().WithClasses(3)),
        Of("critic", () => Adversarial.Critic(4).WithNetwork(Net.Mlp(8, 8)).WithSpectralNorm()),
    };

    /// <summary>A valid spec of one family: its name, how to build it, and that as C#.</summary>
    internal sealed record Entry(string Name, Func<IModelSpec<torch.nn.Module>> Build, string Source)
    {
        /// <summary>The spec's JSON document, as the library writes it.</summary>
        public string Json() => Build().ToJson();
    }

    /// <summary>The spec named <paramref name="name"/>.</summary>
    public static Entry Named(string name) => System.Linq.Enumerable.Single(All, e => e.Name == name);

    private static Entry Of(string name, Func<IModelSpec<torch.nn.Module>> build, [CallerArgumentExpression(nameof(build))] string source = "") =>
        new(name, build, source.StartsWith("() => ", StringComparison.Ordinal) ? source[6..] : source == "Flow" ? "ValidSpecs.Flow()" : source);

    /// <summary>A vector flow through every kind of vector step.</summary>
    public static FlowSpec Flow() => Gen.Dsl.Flow.Over(Dist.StandardNormal(4))
        .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8)))
        .Then(Bij.Reverse())
        .Then(Bij.SplineCoupling(Mask.Halves(4), Net.Mlp(8), bins: 4, bound: 3))
        .Then(Bij.MaskedAutoregressive(8).WithOrder(InputOrder.Random(1)))
        .Then(Bij.Permute(3))
        .Then(Bij.Affine())
        .Then(Bij.Planar())
        .Then(Bij.Radial());
}
