using System.IO;
using Gen.Dsl.Tests.Checkpoints;
using TorchSharp;
using Xunit;
using static Gen.Dsl.Tests.ConditionalFlows.ConditionalFlows;

namespace Gen.Dsl.Tests.ConditionalFlows;

public sealed class ConditionalFlowRoundTripTests
{
    [Fact]
    public void A_conditional_spec_reads_back_equal_and_writes_the_same_text()
    {
        foreach (var spec in new[] { Mixed(4), Flow.Over(Dist.StandardNormal(2)).WithContext(5).Then(Bij.MaskedAutoregressive(4)).Then(Bij.Planar()) })
        {
            var json = spec.ToJson();
            Assert.Contains($"\"context\": {spec.ContextFeatures}", json);
            var back = SpecJson.FromJson<FlowSpec>(json);
            Assert.Equal(spec, back);
            Assert.Equal(json, back.ToJson());
        }
    }

    [Fact]
    public void A_context_field_that_does_not_fit_names_its_json_path()
    {
        var json = Flow.Over(Dist.StandardNormal(2)).WithContext(2).Then(Bij.Reverse()).ToJson();
        var e = Assert.Throws<GenCheckpointException>(() => SpecJson.FromJson<FlowSpec>(json.Replace("\"context\": 2", "\"context\": 0")));
        Assert.Equal(CheckpointError.InvalidSpec, e.Error);
        Assert.Equal("$.spec.context", e.JsonPath);
    }

    [Theory]
    [InlineData(torch.ScalarType.Float32)]
    [InlineData(torch.ScalarType.Float64)]
    public void A_checkpoint_loads_to_the_same_conditional_log_density(torch.ScalarType dtype)
    {
        using var model = Compiled(Mixed(4), dtype);
        var x = Points(6, 4, 2).to(dtype);
        var c = Contexts(6, 3).to(dtype);
        var path = Path.Combine(CheckpointModels.Folder(), "conditional.ckpt");
        Model.Save(path, model);
        using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
        Assert.Equal(model.Spec, loaded.Spec);
        Assert.True(loaded.LogProb(x, c).allclose(model.LogProb(x, c), 0, 0));
        Assert.True(loaded.Sample(3, c[0], Seed.Generator(4)).allclose(model.Sample(3, c[0], Seed.Generator(4)), 0, 0));
    }
}
