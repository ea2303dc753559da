using System;
using System.Linq;
using Gen.Dsl.Tests.Checkpoints;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>
/// The size a loader computes from a spec without building it is the size of the model the spec builds: its parameter
/// count, and the values of its whole state (parameters and buffers) that a checkpoint's weights hold. Checked over
/// random specs of every family, so a node whose count drifts from its <c>Build</c> is caught.
/// </summary>
public sealed class SpecSizeTests
{
    [Fact]
    public void The_counted_size_of_random_specs_of_every_family_is_the_compiled_models()
    {
        for (int seed = 0; seed < 500; seed++)
        {
            var spec = RandomSpecs.Any(new Random(seed));
            var size = SpecLimits.Unlimited.Measure(spec);
            // A MADE with several outputs per feature or a context is a network, not a density model.
            using torch.nn.Module model = spec is MadeSpec made ? made.CompileNetwork(Device.Cpu, seed: 1) : spec.Compile(Device.Cpu, seed: 1);
            long parameters = model.parameters().Sum(p => p.numel());
            long values = model.state_dict().Values.Sum(t => t.numel());
            Assert.True(parameters == size.Parameters, $"seed {seed}: {spec}\ncounted {size.Parameters} parameters, built {parameters}");
            Assert.True(values == size.Values, $"seed {seed}: {spec}\ncounted {size.Values} state values, built {values}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void The_counted_size_of_each_checkpoint_model_is_the_compiled_models(string family)
    {
        using var model = CheckpointModels.Build(family);
        var spec = ModelFamilies.OfModel(model).SpecOf(model);
        var size = SpecLimits.Unlimited.Measure(spec);
        Assert.Equal(model.parameters().Sum(p => p.numel()), size.Parameters);
        Assert.True(model.state_dict().Values.Sum(t => t.numel()) == size.Values, string.Join("\n", model.state_dict().Select(e => $"{e.Key} {e.Value.numel()}")) + $"\ncounted {size.Values}");
    }

    [Fact]
    public void The_counted_size_of_nodes_random_specs_do_not_draw_is_the_compiled_models()
    {
        var specs = new IModelSpec<torch.nn.Module>[]
        {
            Flow.Over(Dist.ConditionalNormal(3, 2, Net.Mlp(5, 4).WithNormalization(Normalization.Batch)))
                .Then(Bij.AffineCoupling(Mask.Halves(3), Net.Mlp(6)))
                .Then(Bij.MaskedAutoregressive(7, 5).Inverted()),
            Dsl.Latent.Vae(1, 8, 8, 3).WithEncoder(Net.ConvEncoder(4, 6).WithNormalization(Normalization.Layer)).WithDecoder(Net.ConvDecoder(5, 2).WithNormalization(Normalization.Batch))
                .WithPrior(Flow.Over(Dist.StandardNormal(3)).Then(Bij.SplineCoupling(Mask.Alternating(3), Net.Mlp(4), bins: 5, bound: 2)).Then(Bij.Planar()))
                .WithPosteriorFlow(PosteriorFlowKind.InverseAutoregressive, 3),
            ImageFlow.Over(2, 4, 4).WithContext(3).Then(ImageBij.Conv1x1(true)).Then(ImageBij.AffineCoupling(ImageMask.Checkerboard(false), Net.ConvResNet(3, 2).WithNormalization(Normalization.Batch)))
                .Then(ImageBij.Squeeze()).Then(ImageBij.ActNorm()).Then(ImageBij.FactorOut()).Then(ImageBij.AdditiveCoupling(ImageMask.Channel(true), Net.ConvResNet(2, 1))),
            Scores.NoiseConditional(2, 6, 6).WithNetwork(Net.ConvResNet(5, 2)).WithLevels(1, 0.01, 7),
            Adversarial.StyleGan(5, 3, 16, 16, filters: 4).WithClasses(3).Generator(Net.StyleGenerator(4, 2, styleWidth: 6, mappingLayers: 3).WithClasses(3)).WithGeneratorAverage(0.9),
        };
        foreach (var spec in specs)
        {
            var size = SpecLimits.Unlimited.Measure(spec);
            using var model = spec.Compile(Device.Cpu, seed: 1);
            Assert.Equal(model.parameters().Sum(p => p.numel()), size.Parameters);
            Assert.Equal(model.state_dict().Values.Sum(t => t.numel()), size.Values);
        }
    }

    public static TheoryData<string> Families => new(CheckpointModels.Families);
}
