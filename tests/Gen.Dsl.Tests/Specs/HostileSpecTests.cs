using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Gen.Dsl.Tests.Checkpoints;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>
/// Specs whose few bytes ask for unbounded cost — a billion features, a width of 2^31 − 1, a million layers, tens of
/// thousands of steps — read from JSON or from a checkpoint: each is refused, by its size, within a second and before
/// anything is built, and building specs step by step costs time linear in their length.
/// </summary>
[Collection(TimedRefusals.Name)]
public sealed class HostileSpecTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_spec_of_a_billion_features_is_refused_before_anything_is_built()
    {
        var json = Flow.Over(Dist.StandardNormal(1_000_000_000)).ToJson();
        Assert.True(json.Length < 300, json);
        var e = Refused(() => SpecJson.FromJson(json));
        Assert.Contains("flow.base", e.Message, StringComparison.Ordinal);
        Assert.Contains("1000000000", e.Message, StringComparison.Ordinal);
        Assert.Contains("above the limit of 16777216 (SpecLimits.MaxFeatures)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_spec_inside_a_checkpoint_is_refused_before_the_spec_is_compiled()
    {
        // 2 × 10^8 features: 1.6 GB of base-distribution buffers, from a file of a few kilobytes.
        var path = CheckpointWithSpec(Flow.Over(Dist.StandardNormal(200_000_000)));
        Assert.True(new FileInfo(path).Length < 4096);
        foreach (Action load in new Action[] { () => Model.Load(path, Device.Cpu), () => Model.ReadSpec(path) })
        {
            var e = Refused(load);
            Assert.Equal(path, e.File);
            Assert.Contains("SpecLimits.MaxFeatures", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_width_of_2_31_minus_1_is_refused_naming_the_node_its_value_and_the_limit()
    {
        var spec = Flow.Over(Dist.StandardNormal(4)).Then(Bij.AffineCoupling(Mask.Alternating(4), Net.Mlp(int.MaxValue)));
        var e = Refused(() => SpecJson.FromJson(spec.ToJson()));
        Assert.Contains("flow.steps[0].net.hidden[0]: a width of 2147483647 is above the limit of 65536 (SpecLimits.MaxWidth)", e.Message, StringComparison.Ordinal);

        var path = CheckpointWithSpec(spec);
        e = Refused(() => Model.Load(path, Device.Cpu));
        Assert.Contains("flow.steps[0].net.hidden[0]", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_mlp_of_a_million_layers_is_refused_within_a_second()
    {
        var e = Refused(() => SpecJson.FromJson(DeepFlow(1_000_000)));
        Assert.Contains("SpecLimits.MaxDocumentBytes", e.Message, StringComparison.Ordinal);

        // Within the document limit, the layer count is what refuses it.
        var json = DeepFlow(300_000);
        e = Refused(() => SpecJson.FromJson(json));
        Assert.Contains("flow.steps[0].net.hidden[16384]: the model's layer count of 16385 is above the limit of 16384 (SpecLimits.MaxLayers)", e.Message, StringComparison.Ordinal);

        var path = CheckpointWithSpec(JsonNode.Parse(json)!["spec"]!.AsObject());
        e = Refused(() => Model.Load(path, Device.Cpu));
        Assert.Contains("SpecLimits.MaxLayers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Building_a_flow_step_by_step_takes_time_linear_in_its_steps()
    {
        var work = TimedRefusals.CpuTime(() =>
        {
            var flow = Flow.Over(Dist.StandardNormal(2));
            for (int i = 0; i < 20_000; i++)
            {
                flow = flow.Then(Bij.Reverse());
            }

            Assert.Equal(20_000, flow.Steps.Count);
            var image = ImageFlow.Over(2, 4, 4);
            for (int i = 0; i < 20_000; i++)
            {
                image = image.Then(ImageBij.ActNorm());
            }

            Assert.Equal(20_000, image.Steps.Count);
        });
        Assert.True(work < Second, $"40,000 steps took {work.TotalSeconds:F1} s of work");
    }

    /// <summary>
    /// The <see cref="GenCheckpointException"/> for a spec too large (<c>LimitExceeded</c>) that <paramref name="read"/>
    /// throws within a second of work (on another thread, so that a read that would run for minutes fails the test instead).
    /// </summary>
    internal static GenCheckpointException Refused(Action read)
    {
        var work = TimeSpan.Zero;
        var task = Task.Run(() =>
        {
            try
            {
                TimedRefusals.CpuTime(read);
            }
            finally
            {
                work = TimedRefusals.Last;
            }
        });
        Assert.True(task.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5)), "still reading after 5 s");
        var error = task.Exception?.InnerException ?? throw new Xunit.Sdk.XunitException("the spec was read");
        Assert.True(work < Second, $"refused only after {work.TotalSeconds:F1} s of work");
        var e = Assert.IsType<GenCheckpointException>(error);
        Assert.True(e.Error.ToString() == "LimitExceeded", $"{e.Error}: {e.Message}");
        return e;
    }

    /// <summary>A flow over 2 features whose one coupling network has <paramref name="layers"/> hidden layers of width 8, as JSON.</summary>
    internal static string DeepFlow(int layers)
    {
        var small = Flow.Over(Dist.StandardNormal(2)).Then(Bij.AffineCoupling(Mask.Alternating(2), Net.Mlp(8, 8))).ToJson();
        var widths = string.Join(",", Enumerable.Repeat("8", layers));
        var json = System.Text.RegularExpressions.Regex.Replace(small, @"""hidden"":\s*\[[^\]]*\]", $"\"hidden\": [{widths}]");
        Assert.NotEqual(small, json);
        return json;
    }

    /// <summary>A checkpoint of a small flow whose document's spec is replaced by <paramref name="spec"/>: the weights stay the small flow's.</summary>
    internal static string CheckpointWithSpec(IModelSpec<TorchSharp.torch.nn.Module> spec) =>
        CheckpointWithSpec(JsonNode.Parse(spec.ToJson())!["spec"]!.AsObject());

    private static string CheckpointWithSpec(JsonObject spec)
    {
        var path = Path.Combine(CheckpointModels.Folder(), "hostile.ckpt");
        using (var model = Flow.Over(Dist.StandardNormal(4)).Then(Bij.Affine()).Compile(Device.Cpu, seed: 1))
        {
            Model.Save(path, model);
        }

        var parts = CheckpointFile.Parse(File.ReadAllBytes(path), path);
        var document = JsonNode.Parse(Encoding.UTF8.GetString(parts.Json))!.AsObject();
        document["spec"] = spec.DeepClone();
        using var file = File.Create(path);
        CheckpointFile.Write(file, Encoding.UTF8.GetBytes(document.ToJsonString()), parts.Weights, ReadOnlySpan<byte>.Empty);
        return path;
    }
}
