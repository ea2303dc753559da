using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;

using FsGen = FsCheck.Fluent.Gen;

namespace Gen.Dsl.Tests.Checkpoints;

public sealed class SpecJsonTests
{
    // FsCheck's own integers stay small and repeat; seeds over the whole range give a new spec in every case.
    [Property(MaxTest = 1000)]
    public Property Every_spec_reads_back_equal_and_writes_the_same_text() =>
        Prop.ForAll(FsGen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var spec = RandomSpecs.Any(new Random(seed));
            var json = spec.ToJson();
            var back = SpecJson.FromJson(json);
            Assert.Equal(spec.GetType(), back.GetType());
            Assert.True(spec.Equals(back), $"read back another spec:\n{spec}\n---\n{back}\n---\n{json}");
            Assert.Equal(spec.GetHashCode(), back.GetHashCode());
            Assert.Equal(json, back.ToJson());
        });

    [Fact]
    public void Hand_picked_specs_of_every_family_read_back_equal()
    {
        var specs = new IModelSpec<torch.nn.Module>[]
        {
            Flow.Over(Dist.StandardNormal(4))
                .Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(8, 8)))
                .Then(Bij.AdditiveCoupling(Mask.Halves(4, second: true), Net.Mlp().WithActivation(Activation.Tanh)))
                .Then(Bij.SplineCoupling(Mask.Alternating(4, odd: true), Net.Mlp(16), bins: 5, bound: 2.5))
                .Then(Bij.Reverse()).Then(Bij.Permute(7)).Then(Bij.Affine())
                .Then(Bij.MaskedAutoregressive(8).WithOrder(InputOrder.Given(2, 0, 3, 1)).WithDegrees(HiddenDegrees.Even))
                .Then(Bij.InverseAutoregressive(8, 8).WithOrder(InputOrder.Random(5)).WithActivation(Activation.Silu))
                .Then(Bij.Planar()).Then(Bij.Radial()).Repeat(2),
            Autoregressive.Made(6, 16, 16).WithOrder(InputOrder.Random(3)).WithMasks(4).WithOutputsPerFeature(2).WithContext(3).WithActivation(Activation.Gelu),
            Autoregressive.Made(5, 8).WithDegrees(HiddenDegrees.Even).WithOrder(InputOrder.Reversed),
            Autoregressive.Made(5, 8).WithDirectConnections(),
            Autoregressive.Nade(10, 7).WithOrder(InputOrder.Given(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)),
            Autoregressive.Fvsbn(3),
            Autoregressive.PixelCnn(3, 5, 6).WithFilters(12).WithResidualBlocks(0).WithHead(PixelHead.DiscretizedLogisticMixture(3, 16)),
            Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(3).WithLayers(2).WithClasses(10).WithHead(PixelHead.Categorical(4)),
            Dsl.Latent.Vae(784, 32),
            Dsl.Latent.Vae(12, 2).WithLikelihood(Likelihood.GaussianWithScale(0.1)).WithObjective(LatentObjective.IwaeDreg(5))
                .WithKl(KlEstimate.MonteCarlo).WithBeta(0.3).WithKlWarmUp(100).WithPosteriorFlow(PosteriorFlowKind.Radial, 3),
            Dsl.Latent.Vae(12, 2).WithLikelihood(Likelihood.Gaussian()).WithFreeBits(0.25).WithEncoder(Net.Mlp()),
        };
        foreach (var spec in specs)
        {
            var back = SpecJson.FromJson(spec.ToJson());
            Assert.True(spec.Equals(back), $"{spec}\nread back as\n{back}");
        }
    }

    [Fact]
    public void The_format_is_pinned_by_a_written_document()
    {
        var spec = Flow.Over(Dist.StandardNormal(2))
            .Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(3)))
            .Then(Bij.Reverse());
        const string Written = """
            {
              "version": 1,
              "spec": {
                "type": "flow",
                "base": {
                  "type": "standard_normal",
                  "features": 2
                },
                "steps": [
                  {
                    "type": "affine_coupling",
                    "mask": {
                      "features": 2,
                      "odd": false,
                      "halves": false
                    },
                    "net": {
                      "hidden": [
                        3
                      ],
                      "activation": "relu"
                    },
                    "additive": false
                  },
                  {
                    "type": "permutation",
                    "seed": null
                  }
                ]
              }
            }
            """;
        Assert.Equal(Written.ReplaceLineEndings("\n"), spec.ToJson().ReplaceLineEndings("\n"));
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(Written));
    }

    [Fact]
    public void A_document_written_by_hand_in_any_field_order_reads()
    {
        const string Json = """
            {"spec": {"latent": 2, "type": "vae", "features": 6,
                      "encoder": {"activation": "tanh", "hidden": [5]}, "decoder": {"hidden": [], "activation": "relu"},
                      "likelihood": {"type": "gaussian", "fixed_scale": 0.5}, "objective": {"samples": 4, "dreg": false},
                      "kl": "analytic", "beta": 2, "kl_warm_up": 0, "free_bits": 0, "posterior_flow": "planar", "posterior_flow_steps": 2},
             "version": 1}
            """;
        var expected = Dsl.Latent.Vae(6, 2).WithEncoder(Net.Mlp(5).WithActivation(Activation.Tanh)).WithDecoder(Net.Mlp())
            .WithLikelihood(Likelihood.GaussianWithScale(0.5)).WithObjective(LatentObjective.Iwae(4)).WithBeta(2)
            .WithPosteriorFlow(PosteriorFlowKind.Planar, 2);
        Assert.Equal(expected, SpecJson.FromJson<VaeSpec>(Json));
    }

    [Theory]
    [InlineData("""{"version": 1, "spec": {"type": "flow", "base": {"type": "standard_normal", "features": 2}, "steps": [{"type": "affine"}, {"type": "glow"}]}}""",
        "$.spec.steps[1].type", "unknown bijector type 'glow'")]
    [InlineData("""{"version": 1, "spec": {"type": "energy_model"}}""", "$.spec.type", "unknown model spec type 'energy_model'")]
    [InlineData("""{"version": 1, "spec": {"type": "nade", "features": 3, "order": {"type": "natural"}}}""", "$.spec.hidden", "the required field 'hidden' is missing")]
    [InlineData("""{"version": 1, "spec": {"type": "fvsbn", "features": 3, "order": {"type": "natural"}, "hiden": 4}}""", "$.spec.hiden", "has no field 'hiden'")]
    [InlineData("""{"version": 1, "spec": {"type": "fvsbn", "features": "3", "order": {"type": "natural"}}}""", "$.spec.features", "expected an integer, found \"3\"")]
    [InlineData("""{"version": 1, "spec": {"type": "fvsbn", "features": 3.5, "order": {"type": "natural"}}}""", "$.spec.features", "expected an integer, found 3.5")]
    [InlineData("""{"version": 1, "spec": {"type": "fvsbn", "features": 3, "order": {"type": "sideways"}}}""", "$.spec.order.type", "unknown input order type 'sideways'")]
    [InlineData("""{"version": 1, "spec": {"type": "made", "features": 3, "hidden": [4], "outputs_per_feature": 1, "context_features": 0, "order": {"type": "natural"}, "degrees": {"type": "even"}, "masks": 1, "activation": "swish"}}""",
        "$.spec.activation", "unknown value 'swish'")]
    [InlineData("""{"version": 1, "spec": {"type": "flow", "base": {"type": "standard_normal", "features": 3}, "steps": [{"type": "affine_coupling", "mask": {"features": 4, "odd": false, "halves": false}, "net": {"hidden": [2], "activation": "relu"}, "additive": false}]}}""",
        "$.spec.steps[0]", "flow.steps[0].mask: the mask has 4 features, but the flow's events have 3")]
    [InlineData("""{"version": 1, "spec": {"type": "pixel_cnn", "channels": 1, "height": 4, "width": 4, "filters": 7, "residual_blocks": 1, "head": {"type": "bernoulli"}}}""",
        "$.spec", "pixel_cnn.filters")]
    [InlineData("""{"version": 1, "spec": {"type": "vae", "features": 6, "latent": 2}}""", "$.spec.encoder", "the required field 'encoder' is missing")]
    [InlineData("""{"version": 1, "spec": [1, 2]}""", "$.spec", "expected a model spec as a JSON object, found an array")]
    [InlineData("""{"spec": {"type": "fvsbn"}}""", "$.version", "the required field 'version' is missing")]
    [InlineData("""{"version": 0, "spec": {}}""", "$.version", "format versions start at 1")]
    [InlineData("""{"version": 1, "spec": {"type": "fvsbn", "features": 3, "order": {"type": "natural"}}, "comment": "x"}""", "$.comment", "has no field 'comment'")]
    [InlineData("""{"version": 1, "spec": """, "$", "not valid JSON")]
    [InlineData("""{"version": 1, "spec": {"type": "fvsbn", "features": 3, "features": 4, "order": {"type": "natural"}}}""", "$", "Duplicate property 'features'")]
    [InlineData("""{"version": 1, "spec": {"type": "pixel_cnn", "channels": 1, "height": 4, "width": 4, "filters": 8, "residual_blocks": 1, "head": {"type": "categorical", "levels": 1}}}""",
        "$.spec.head", "head.levels: a categorical element needs at least two values")]
    [InlineData("""{"version": 1, "spec": {"type": "image_flow", "channels": 1, "height": 2, "width": 2, "context_features": 0, "preprocessing": {"kind": "centred", "levels": 256, "alpha": 0.7}, "steps": []}}""",
        "$.spec.preprocessing", "the centred map has no alpha")]
    public void An_invalid_document_names_the_json_path(string json, string path, string message)
    {
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(json));
        Assert.Equal(CheckpointError.InvalidSpec, e.Error);
        Assert.Equal(path, e.JsonPath);
        Assert.Contains(path + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_document_says_so_before_anything_else()
    {
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson("""{"version": 2, "spec": {"type": "hypernetwork", "depth": 9}}"""));
        Assert.Equal(CheckpointError.NewerVersion, e.Error);
        Assert.Equal("$.version", e.JsonPath);
        Assert.Contains("format version 2", e.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {SpecJson.FormatVersion}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_for_another_spec_type_says_what_the_document_holds()
    {
        var json = Autoregressive.Fvsbn(3).ToJson();
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson<FlowSpec>(json));
        Assert.Equal(CheckpointError.WrongModelType, e.Error);
        Assert.Contains("FvsbnSpec, not a FlowSpec", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_node_type_and_model_spec_in_the_library_has_a_json_form()
    {
        // A new node or model type without a JSON form would make checkpoints of models that use it fail to save.
        var types = typeof(FlowSpec).Assembly.GetTypes().Where(t => !t.IsAbstract && !t.IsInterface).ToArray();
        static bool Derives<TBase>(Type t) => typeof(TBase).IsAssignableFrom(t) && t != typeof(TBase);
        Assert.All(types.Where(Derives<BijSpec>), t => Assert.True(FlowJson.Bijectors.Knows(t), $"bijector {t.Name} has no JSON form"));
        Assert.All(types.Where(Derives<DistSpec>), t => Assert.True(FlowJson.Distributions.Knows(t), $"distribution {t.Name} has no JSON form"));
        Assert.All(types.Where(Derives<HeadSpec>), t => Assert.True(HeadJson.Heads.Knows(t), $"head {t.Name} has no JSON form"));
        var modelSpecs = types.Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IModelSpec<>))).ToArray();
        Assert.Superset(
            new[] { typeof(FlowSpec), typeof(MadeSpec), typeof(NadeSpec), typeof(FvsbnSpec), typeof(PixelCnnSpec), typeof(GatedPixelCnnSpec), typeof(VaeSpec) }.ToHashSet(),
            modelSpecs.ToHashSet());
        Assert.All(modelSpecs, t => Assert.True(ModelFamilies.Specs.Knows(t), $"model spec {t.Name} has no JSON form"));
        Assert.All(modelSpecs, t => Assert.Contains(ModelFamilies.All, f => f.SpecType == t));
    }

    [Fact]
    public void Records_built_by_hand_with_values_no_factory_accepts_are_refused_before_they_can_be_saved()
    {
        // Each compiled, saved, and then could not be read back.
        var flow = ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => flow.WithPreprocessing(new ImagePreprocessing(ImagePreprocessingKind.None, 256, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => flow.WithPreprocessing(ImagePreprocessing.Centred(256) with { Alpha = 0.3 }));

        var vae = Gen.Dsl.Latent.Vae(4, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.WithLikelihood(new GaussianHead(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.WithLikelihood(new DiscretizedLogisticHead(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => vae.WithObjective(new IwaeObjective(0)));
    }
}
