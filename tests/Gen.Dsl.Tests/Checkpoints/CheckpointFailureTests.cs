using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

public sealed class CheckpointFailureTests
{
    private const int HeaderSize = 48;

    [Fact]
    public void A_file_cut_anywhere_is_reported_as_truncated()
    {
        var (path, bytes) = SavedFlowWithOptimizer();
        var parts = CheckpointFile.Parse(bytes, path);
        var cuts = new[]
        {
            0, 3, 8, 12, 20, HeaderSize - 1, HeaderSize, HeaderSize + (parts.Json.Count / 2), parts.Weights.Offset + 1,
            parts.Weights.Offset + (parts.Weights.Count / 2), parts.Optimizer!.Value.Offset + 5, bytes.Length - 32, bytes.Length - 1,
        };
        foreach (var cut in cuts)
        {
            File.WriteAllBytes(path, bytes[..cut]);
            foreach (Action load in new Action[] { () => Model.Load(path, Device.Cpu), () => Model.ReadSpec(path), () => Model.LoadOptimizer(path, FreshFlow()) })
            {
                var e = Assert.Throws<GenCheckpointException>(load);
                Assert.True(e.Error == CheckpointError.Truncated, $"cut at {cut} of {bytes.Length}: {e.Error}: {e.Message}");
                Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_changed_byte_anywhere_after_the_signature_is_reported_as_corruption()
    {
        var (path, bytes) = SavedFlowWithOptimizer();
        var parts = CheckpointFile.Parse(bytes, path);
        var offsets = new[]
        {
            8, 11, 13, 16, 26, 33, 40, 47, HeaderSize, HeaderSize + (parts.Json.Count / 2), parts.Weights.Offset,
            parts.Weights.Offset + (parts.Weights.Count / 2), parts.Optimizer!.Value.Offset + (parts.Optimizer!.Value.Count / 2), bytes.Length - 32, bytes.Length - 1,
        };
        foreach (var offset in offsets)
        {
            foreach (byte mask in new byte[] { 0x01, 0x80, 0xFF })
            {
                var damaged = (byte[])bytes.Clone();
                damaged[offset] ^= mask;
                File.WriteAllBytes(path, damaged);
                var e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
                Assert.True(e.Error == CheckpointError.Corrupted, $"byte {offset} ^ {mask:X2} of {bytes.Length}: {e.Error}: {e.Message}");
                Assert.Contains("corrupted", e.Message, StringComparison.Ordinal);
            }
        }

        File.WriteAllBytes(path, bytes.Append((byte)0).ToArray());
        Assert.Equal(CheckpointError.Corrupted, Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu)).Error);
    }

    [Fact]
    public void Something_else_is_not_a_checkpoint()
    {
        var (path, bytes) = SavedFlowWithOptimizer();
        foreach (var content in new[] { Encoding.UTF8.GetBytes(Flow.Over(Dist.StandardNormal(2)).ToJson()), new byte[] { 0x50, 0x4B, 3, 4, 0, 0, 0, 0, 0, 0 }, bytes.Select((b, i) => i == 2 ? (byte)(b ^ 1) : b).ToArray() })
        {
            File.WriteAllBytes(path, content);
            var e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
            Assert.Equal(CheckpointError.NotACheckpoint, e.Error);
            Assert.Contains("not a Gen checkpoint", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_file_of_a_newer_format_says_so()
    {
        var (path, bytes) = SavedFlowWithOptimizer();
        var parts = CheckpointFile.Parse(bytes, path);

        // A newer container: the version and its complement agree, and nothing after them is read.
        var newer = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(newer.AsSpan(8), CheckpointFile.Version + 1);
        BinaryPrimitives.WriteInt32LittleEndian(newer.AsSpan(12), ~(CheckpointFile.Version + 1));
        File.WriteAllBytes(path, newer);
        var e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.NewerVersion, e.Error);
        Assert.Contains($"format version {CheckpointFile.Version + 1}", e.Message, StringComparison.Ordinal);

        // A current container holding a newer JSON document.
        var json = Encoding.UTF8.GetString(parts.Json).Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal);
        Rewrite(path, Encoding.UTF8.GetBytes(json), parts.Weights, null);
        e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.NewerVersion, e.Error);
        Assert.Equal("$.version", e.JsonPath);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Weights_saved_from_another_width_do_not_fit_and_the_error_names_both_shapes()
    {
        var folder = CheckpointModels.Folder();
        var path = Path.Combine(folder, "vae.ckpt");
        using (var model = CheckpointModels.VaeSpec(hidden: 8).Compile(Device.Cpu, seed: 1))
        {
            Model.Save(path, model);
        }

        var parts = CheckpointFile.Parse(File.ReadAllBytes(path), path);
        var document = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(parts.Json))!.AsObject();
        document["spec"] = SpecJson.Write(CheckpointModels.VaeSpec(hidden: 16));
        Rewrite(path, Encoding.UTF8.GetBytes(document.ToJsonString()), parts.Weights, null);

        var e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.WeightsMismatch, e.Error);
        Assert.Contains("'encoder.linear0.weight' is Float32 [8, 12] in the file but Float32 [16, 12] in the model", e.Message, StringComparison.Ordinal);
        Assert.Contains("weights do not fit", e.Message, StringComparison.Ordinal);

        // Another dtype, and another kind of model altogether.
        document["spec"] = SpecJson.Write(CheckpointModels.VaeSpec(hidden: 8));
        document["dtype"] = "float64";
        Rewrite(path, Encoding.UTF8.GetBytes(document.ToJsonString()), parts.Weights, null);
        e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.WeightsMismatch, e.Error);
        Assert.Contains("is Float32 [8, 12] in the file but Float64 [8, 12] in the model", e.Message, StringComparison.Ordinal);

        document["dtype"] = "float32";
        document["spec"] = SpecJson.Write(Autoregressive.Nade(12, 2));
        Rewrite(path, Encoding.UTF8.GetBytes(document.ToJsonString()), parts.Weights, null);
        e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.WeightsMismatch, e.Error);
        Assert.Contains("the file has no 'w', 'c', 'v', 'b'", e.Message, StringComparison.Ordinal);
        Assert.Contains("which the model lacks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_spec_inside_a_sound_file_names_the_file_and_the_json_path()
    {
        var (path, bytes) = SavedFlowWithOptimizer();
        var parts = CheckpointFile.Parse(bytes, path);
        var json = Encoding.UTF8.GetString(parts.Json).Replace("\"affine_coupling\"", "\"glow_coupling\"", StringComparison.Ordinal);
        Rewrite(path, Encoding.UTF8.GetBytes(json), parts.Weights, null);
        var e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.InvalidSpec, e.Error);
        Assert.Equal("$.spec.steps[0].type", e.JsonPath);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown bijector type 'glow_coupling'", e.Message, StringComparison.Ordinal);

        // A valid spec that does not compile to a density model (a MADE with two outputs per feature).
        var document = System.Text.Json.Nodes.JsonNode.Parse(Encoding.UTF8.GetString(parts.Json))!.AsObject();
        document["spec"] = SpecJson.Write(Autoregressive.Made(4, 8).WithOutputsPerFeature(2));
        document["state"] = new System.Text.Json.Nodes.JsonObject { ["current_mask"] = 0 };
        Rewrite(path, Encoding.UTF8.GetBytes(document.ToJsonString()), parts.Weights, null);
        e = Assert.Throws<GenCheckpointException>(() => Model.Load(path, Device.Cpu));
        Assert.Equal(CheckpointError.InvalidSpec, e.Error);
        Assert.Contains("the spec does not compile: made.outputs_per_feature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_save_that_fails_part_way_leaves_the_previous_file_as_it_was()
    {
        var (path, before) = SavedFlowWithOptimizer();
        using var other = CheckpointModels.Build("flow");
        CheckpointModels.Perturb(other, 99);
        var elsewhere = Path.Combine(CheckpointModels.Folder(), "other.ckpt");
        Model.Save(elsewhere, other);
        long length = new FileInfo(elsewhere).Length;
        foreach (var limit in new long[] { 0, 10, HeaderSize, 500, length / 2, length - 1 })
        {
            var e = Assert.Throws<IOException>(() => Model.Write(path, other, null, file => new FailingStream(file, limit)));
            Assert.Contains("simulated", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!));
        }

        // A crash would leave the temporary file behind instead of deleting it: the checkpoint is still the old one.
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(path)!, ".flow.ckpt.123.abc.tmp"), before[..100]);
        using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
        Assert.Equal(before, File.ReadAllBytes(path));

        // A failed first save leaves no file at all.
        var fresh = Path.Combine(CheckpointModels.Folder(), "new.ckpt");
        Assert.Throws<IOException>(() => Model.Write(fresh, other, null, file => new FailingStream(file, 100)));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(fresh)!));
    }

    [Fact]
    public void Asking_for_optimizer_state_that_is_absent_or_does_not_fit_says_which()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "plain.ckpt");
        using var model = FreshFlow();
        Model.Save(path, model);
        Assert.Equal(CheckpointError.NoOptimizerState, Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizer(path, model)).Error);

        var (withState, _) = SavedFlowWithOptimizer();
        using var nade = CheckpointModels.Build("nade");
        var e = Assert.Throws<GenCheckpointException>(() => Model.LoadOptimizer(withState, nade));
        Assert.Equal(CheckpointError.OptimizerMismatch, e.Error);
        Assert.Contains("which the model does not have", e.Message, StringComparison.Ordinal);
    }

    private static FlowModel FreshFlow() => CheckpointModels.FlowSpec().Compile(Device.Cpu, seed: 2);

    /// <summary>A flow saved with an optimizer that has taken two steps, and the file's bytes.</summary>
    private static (string Path, byte[] Bytes) SavedFlowWithOptimizer()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "flow.ckpt");
        using var model = (FlowModel)CheckpointModels.Build("flow");
        using var adam = new FusedAdam(model.parameters(), learningRate: 0.01);
        using var g = Seed.Generator(4);
        var x = torch.randn(new long[] { 32, 4 }, generator: g);
        for (int i = 0; i < 2; i++)
        {
            using var scope = torch.NewDisposeScope();
            adam.ZeroGrad();
            (-model.LogProb(x).mean()).backward();
            adam.Step();
        }

        Model.Save(path, model, adam);
        return (path, File.ReadAllBytes(path));
    }

    /// <summary>Writes a well-formed checkpoint (valid checksums) of the given parts.</summary>
    private static void Rewrite(string path, byte[] json, ArraySegment<byte> weights, ArraySegment<byte>? optimizer)
    {
        using var file = File.Create(path);
        CheckpointFile.Write(file, json, weights, optimizer ?? ArraySegment<byte>.Empty);
    }
}
