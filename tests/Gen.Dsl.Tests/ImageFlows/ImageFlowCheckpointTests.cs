using System;
using System.IO;
using System.Text.Json.Nodes;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.ImageFlows;

/// <summary>Image flows round-trip through spec JSON and checkpoints, ActNorm initialisation and LU pivots included.</summary>
public sealed class ImageFlowCheckpointTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gen-image-flow-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> Specs => new() { "every_step", "real_nvp", "glow" };

    private static FlowSpec Spec(string name) => name switch
    {
        "every_step" => ImageFlowModels.EveryStep(),
        "real_nvp" => ImageFlow.RealNvp(1, 4, 4, scales: 2, hidden: 4, blocks: 1),
        "glow" => ImageFlow.Glow(3, 4, 4, levels: 2, stepsPerLevel: 1, hidden: 4),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void A_spec_read_back_from_json_equals_the_one_written(string name)
    {
        var spec = Spec(name);
        var json = spec.ToJson();
        Assert.Contains("\"type\": \"image_flow\"", json, StringComparison.Ordinal);
        Assert.Equal(spec, SpecJson.FromJson<FlowSpec>(json));
        Assert.Equal(spec.ToString(), SpecJson.FromJson(json).ToString());
    }

    [Theory]
    [InlineData("every_step", torch.ScalarType.Float64)]
    [InlineData("real_nvp", torch.ScalarType.Float32)]
    [InlineData("glow", torch.ScalarType.Float32)]
    public void A_loaded_model_scores_and_samples_bit_for_bit_like_the_saved_one(string name, torch.ScalarType dtype)
    {
        using var model = ImageFlowModels.Trained(Spec(name), dtype, seed: 5);
        var path = Path.Combine(folder, $"{name}.genckpt");
        Model.Save(path, model);
        using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
        Assert.Equal(model.Spec, loaded.Spec);
        using var scope = torch.NewDisposeScope();
        var x = ImageFlowModels.Pixels(8, model.Spec.EventShape, dtype, 6);
        Assert.True(loaded.LogProb(x).allclose(model.LogProb(x), rtol: 0, atol: 0));
        using var g1 = Seed.Generator(2);
        using var g2 = Seed.Generator(2);
        Assert.True(loaded.Sample(4, g1).allclose(model.Sample(4, g2), rtol: 0, atol: 0));
    }

    [Fact]
    public void An_initialised_actnorm_stays_initialised_after_loading()
    {
        // Loading must not re-initialise from the next batch: the flag is in the checkpoint.
        using var model = ImageFlowModels.Trained(ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4), torch.float32, seed: 8);
        var path = Path.Combine(folder, "actnorm.genckpt");
        Model.Save(path, model);
        using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
        using var scope = torch.NewDisposeScope();
        var other = ImageFlowModels.Pixels(16, model.Spec.EventShape, torch.float32, 99) * 0.1;
        Assert.True(loaded.LogProb(other).allclose(model.LogProb(other), rtol: 0, atol: 0));
    }

    [Fact]
    public void A_document_whose_step_does_not_fit_names_the_json_path()
    {
        var document = JsonNode.Parse(ImageFlow.Glow(1, 4, 4, levels: 1, stepsPerLevel: 1, hidden: 4).ToJson())!;
        document["spec"]!["height"] = 5;
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(document.ToJsonString()));
        Assert.Equal(CheckpointError.InvalidSpec, e.Error);
        Assert.Contains("$.spec.steps[0]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 5, 4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_step_types_and_mask_kinds_are_errors()
    {
        var document = JsonNode.Parse(ImageFlowModels.EveryStep().ToJson())!;
        document["spec"]!["steps"]![0]!["mask"]!["kind"] = "stripes";
        var mask = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(document.ToJsonString()));
        Assert.Contains("$.spec.steps[0].mask.kind", mask.Message, StringComparison.Ordinal);
        document["spec"]!["steps"]![0]!["mask"]!["kind"] = "checkerboard";
        document["spec"]!["steps"]![1]!["type"] = "unsqueeze";
        var step = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson(document.ToJsonString()));
        Assert.Contains("unknown bijector type 'unsqueeze'", step.Message, StringComparison.Ordinal);
    }
}
