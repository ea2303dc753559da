using System;
using System.IO;
using System.Linq;
using Gen.Dsl.Tests.ImageFlows;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Flows;

/// <summary>
/// One flow mechanism (<see cref="FlowSpec"/>, <see cref="FlowModel"/>) for any event shape and either listing
/// direction: what image flows have (preprocessing, dequantised scores, reshaping steps) works over vectors, and what
/// vector flows have (any base, a base that reads the context) works over images.
/// </summary>
public sealed class AnyEventShapeFlowTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gen-any-shape-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly ImagePreprocessing Logit = ImagePreprocessing.Logit(256, 0.05);

    [Fact]
    public void A_preprocessing_map_gives_one_density_over_images_and_over_the_same_pixels_flattened_in_either_listing()
    {
        using var image = ImageFlow.Over(1, 4, 4).WithPreprocessing(Logit).Compile(Device.Cpu, torch.float64);
        using var baseToData = Flow.Over(Dist.StandardNormal(16)).WithPreprocessing(Logit).Compile(Device.Cpu, torch.float64);
        using var dataToBase = Flow.DataToBase(16).WithPreprocessing(Logit).Compile(Device.Cpu, torch.float64);
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(5, new long[] { 1, 4, 4 }, torch.float64, 1);
        var expected = image.LogProb(x);
        Assert.True(baseToData.LogProb(x.reshape(5, 16)).allclose(expected, rtol: 0, atol: 1e-10));
        Assert.True(dataToBase.LogProb(x.reshape(5, 16)).allclose(expected, rtol: 0, atol: 1e-10));

        // Dequantised scores and bits per dimension are the image flow's too.
        var pixels = x.floor();
        Assert.True(baseToData.LogProbDequantized(pixels.reshape(5, 16), Seed.Generator(3))
            .allclose(image.LogProbDequantized(pixels, Seed.Generator(3)), rtol: 0, atol: 1e-10));
        Assert.True(baseToData.BitsPerDim(expected).allclose(image.BitsPerDim(expected), rtol: 0, atol: 0));

        // Samples come back in pixel space, inside the logit's domain.
        var samples = baseToData.Sample(64, Seed.Generator(4));
        Assert.True(samples.gt(-14.3).logical_and(samples.lt(270.3)).all().item<bool>());
        Assert.True(baseToData.LogProb(samples).isfinite().all().item<bool>());
    }

    [Fact]
    public void A_vector_flow_listed_data_to_base_keeps_the_laws_and_its_two_paths_agree()
    {
        var spec = Flow.DataToBase(3).Then(Bij.MaskedAutoregressive(8), Bij.Reverse(), Bij.AffineCoupling(Mask.Alternating(3), Net.Mlp(8))).WithContext(2);
        Assert.Equal(FlowDirection.DataToBase, spec.Direction);
        Assert.Equal(FlowDirection.DataToBase, spec.StepShape.Direction);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 1);
        Checkpoints.CheckpointModels.Perturb(model, 2);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(6, 3, dtype: torch.float64, generator: Seed.Generator(5));
        var c = torch.randn(6, 2, dtype: torch.float64, generator: Seed.Generator(6));

        // The steps' forward passes map data to the base: the flow's density is the change of variables through them.
        var z = model.DataToBase(c).ForwardAndLogDet(x);
        var expected = (-0.5 * z.Value.square() - 0.5 * Math.Log(2 * Math.PI)).sum(dim: -1) + z.LogDet;
        Assert.True(model.LogProb(x, c).allclose(expected, rtol: 0, atol: 1e-10));
        BijectorLaws.RoundTrips(model.DataToBase(c), x, 1e-9);
        BijectorLaws.LogDetMatchesJacobian(model.DataToBase(c[0]), x, 1e-8);

        // Drawing with the log-density in one pass agrees with scoring the draws.
        var drawn = model.SampleAndLogProb(6, c, Seed.Generator(7));
        Assert.True(model.LogProb(drawn.Value, c).allclose(drawn.LogProb, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void An_image_flow_takes_another_base_even_one_that_reads_the_context_and_saves_it()
    {
        var spec = ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4).WithPreprocessing(ImagePreprocessing.Centred(256))
            .WithBase(Dist.ConditionalNormal(16, 2, Net.Mlp(8)));
        Assert.Equal(2, spec.ContextFeatures);
        using var model = spec.Compile(Device.Cpu, torch.float64, seed: 2);
        Checkpoints.CheckpointModels.Perturb(model, 3);
        Assert.Contains(model.named_parameters(), p => p.name.StartsWith("base.", StringComparison.Ordinal));
        using var scope = torch.NewDisposeScope();
        var c = torch.randn(5, 2, dtype: torch.float64, generator: Seed.Generator(8));
        model.LogProb(ImageFlowModels.Pixels(5, spec.EventShape, torch.float64, 11), c); // initialises the ActNorm from data
        model.eval();
        var drawn = model.SampleAndLogProb(5, c, Seed.Generator(9));
        Assert.Equal(new long[] { 5, 1, 4, 4 }, drawn.Value.shape);
        Assert.True(model.LogProb(drawn.Value, c).allclose(drawn.LogProb, rtol: 0, atol: 1e-9));

        // The base's context matters: the same images score differently under another context.
        var other = torch.randn(5, 2, dtype: torch.float64, generator: Seed.Generator(10));
        Assert.False(model.LogProb(drawn.Value, other).allclose(drawn.LogProb, rtol: 0, atol: 1e-6));

        // Not the image flow form (that has no base): the flow form, with the events, round trips and loads.
        var json = spec.ToJson();
        Assert.Contains("\"type\": \"flow\"", json, StringComparison.Ordinal);
        Assert.Contains("\"event\"", json, StringComparison.Ordinal);
        Assert.Equal(spec, SpecJson.FromJson(json));
        var path = Path.Combine(folder, "conditional-base.genckpt");
        Model.Save(path, model);
        using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
        Assert.Equal(spec, loaded.Spec);
        Assert.True(loaded.LogProb(drawn.Value, c).allclose(drawn.LogProb, rtol: 0, atol: 1e-9));
    }

    [Fact]
    public void A_flow_with_the_default_base_over_images_is_still_written_in_the_image_flow_form()
    {
        var image = ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4);
        Assert.Contains("\"type\": \"image_flow\"", image.ToJson(), StringComparison.Ordinal);
        Assert.Equal(image, SpecJson.FromJson(image.ToJson()));

        // Over vectors, listed data to base with a preprocessing map: the flow form with its event and preprocessing.
        var vector = Flow.DataToBase(4).WithPreprocessing(Logit).Then(Bij.ActNorm(), Bij.MaskedAutoregressive(Univariate.Spline(4), 8));
        var json = vector.ToJson();
        Assert.Contains("\"event\"", json, StringComparison.Ordinal);
        Assert.Contains("\"preprocessing\"", json, StringComparison.Ordinal);
        Assert.Equal(vector, SpecJson.FromJson(json));

        // A flow listed base to data without preprocessing writes exactly the fields it always did.
        var plain = System.Text.Json.Nodes.JsonNode.Parse(Flow.Over(Dist.StandardNormal(2)).Then(Bij.Reverse()).ToJson())!["spec"]!.AsObject();
        Assert.Equal(new[] { "type", "base", "steps" }, plain.Select(p => p.Key).ToArray());
    }

    [Fact]
    public void The_readme_examples_declare_what_they_say()
    {
        // src/Gen.Dsl/README.md, "One flow for any event shape".
        var maf = Flow.Over(Dist.StandardNormal(784)).WithPreprocessing(ImagePreprocessing.Logit(256, alpha: 0.05))
            .Then(Bij.MaskedAutoregressive(1024), Bij.Reverse(), Bij.MaskedAutoregressive(1024));
        Assert.Equal(new long[] { 784 }, maf.EventShape);
        Assert.Equal(FlowDirection.BaseToData, maf.Direction);
        Assert.Equal(maf, SpecJson.FromJson(maf.ToJson()));

        var glowGiven = ImageFlow.Glow(1, 8, 8, levels: 2, stepsPerLevel: 2, hidden: 16)
            .WithBase(Dist.ConditionalNormal(features: 64, contextFeatures: 10, Net.Mlp(32)));
        Assert.Equal(10, glowGiven.ContextFeatures);
        Assert.Equal(new long[] { 1, 8, 8 }, glowGiven.EventShape);
        Assert.Equal(FlowDirection.DataToBase, glowGiven.Direction);
        Assert.Equal(glowGiven, SpecJson.FromJson(glowGiven.ToJson()));
    }

    [Fact]
    public void A_base_that_does_not_cover_every_number_of_the_event_is_refused()
    {
        var e = Assert.Throws<GenShapeException>(() => ImageFlow.Over(1, 4, 4).WithBase(Dist.StandardNormal(15)));
        Assert.Equal("flow.base", e.Node);
        Assert.Contains("[16]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 4]", e.Message, StringComparison.Ordinal);

        var steps = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(4)).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(4))).WithBase(Dist.StandardNormal(3)));
        Assert.StartsWith("flow.steps[0]", steps.Node, StringComparison.Ordinal);

        var context = Assert.Throws<GenShapeException>(() => ImageFlow.Over(1, 4, 4).WithContext(3).WithBase(Dist.ConditionalNormal(16, 2, Net.Mlp(4))));
        Assert.Equal("flow.base.context", context.Node);

        var squeeze = Assert.Throws<GenShapeException>(() => Flow.Over(Dist.StandardNormal(4)).Then(ImageBij.Squeeze()));
        Assert.Equal("flow.steps[0]", squeeze.Node);

        // Sizes whose product passes 2^64 are refused with the count, not wrapped round to a small one.
        var huge = Assert.Throws<GenShapeException>(() => Flow.DataToBase(1L << 32, 1L << 32, 3));
        Assert.Contains("55340232221128654848 numbers", huge.Message, StringComparison.Ordinal);
        Assert.Throws<GenShapeException>(() => Flow.DataToBase(4, 0));
    }
}
