using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

public sealed class ModelCheckpointTests
{
    public static TheoryData<string> Families => new(CheckpointModels.Families);

    [Theory]
    [MemberData(nameof(Families))]
    public void A_loaded_model_scores_a_batch_bit_for_bit_as_the_saved_one(string family)
    {
        using var scope = torch.NewDisposeScope();
        using var saved = CheckpointModels.Build(family);
        var path = CheckpointModels.SaveToNewFile(saved);

        using var loaded = Model.Load(path, Device.Cpu);
        Assert.Equal(saved.GetType(), loaded.GetType());
        var expected = saved.state_dict();
        var actual = loaded.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, e => Assert.True(CheckpointModels.Same(e.Value, actual[e.Key]), $"'{e.Key}' differs after loading"));
        var before = CheckpointModels.LogProb(saved);
        var after = CheckpointModels.LogProb(loaded);
        Assert.True(CheckpointModels.Same(before, after), $"log p differs after loading: {before.str()} vs {after.str()}");
        Assert.True(before.isfinite().all().item<bool>());
    }

    [Fact]
    public void A_made_comes_back_with_the_mask_it_was_using()
    {
        using var saved = (MadeModel)CheckpointModels.Build("made");
        var path = CheckpointModels.SaveToNewFile(saved);
        using var loaded = Model.Load<MadeModel>(path, Device.Cpu);
        Assert.Equal(2, loaded.Network.CurrentMask);
        Assert.Equal(saved.Order, loaded.Order);
        using var g1 = Seed.Generator(3);
        using var g2 = Seed.Generator(3);
        Assert.True(CheckpointModels.Same(saved.Sample(20, g1), loaded.Sample(20, g2)));
        loaded.NextMask();
        saved.NextMask();
        Assert.True(CheckpointModels.Same(CheckpointModels.LogProb(saved), CheckpointModels.LogProb(loaded)));
    }

    [Fact]
    public void A_model_comes_back_in_the_dtype_it_was_saved_in()
    {
        using var saved = CheckpointModels.Build("vae", torch.float64);
        var path = CheckpointModels.SaveToNewFile(saved);
        using var loaded = Model.Load<VaeModel>(path, Device.Cpu);
        Assert.All(loaded.parameters(), p => Assert.Equal(torch.float64, p.dtype));
        Assert.True(CheckpointModels.Same(CheckpointModels.LogProb(saved), CheckpointModels.LogProb(loaded)));
    }

    [Fact]
    public void The_typed_load_and_the_spec_reader_give_the_saved_spec()
    {
        using var saved = (FlowModel)CheckpointModels.Build("flow");
        var path = CheckpointModels.SaveToNewFile(saved);
        using var loaded = Model.Load<FlowModel>(path, Device.Cpu);
        Assert.Equal(saved.Spec, loaded.Spec);
        Assert.Equal(saved.Spec, Model.ReadSpec(path));

        var e = Assert.Throws<GenCheckpointException>(() => Model.Load<NadeModel>(path, Device.Cpu));
        Assert.Equal(CheckpointError.WrongModelType, e.Error);
        Assert.Contains("holds a FlowModel, not a NadeModel", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Saving_is_deterministic_and_the_weights_are_torchsharps_own_format()
    {
        using var model = CheckpointModels.Build("nade");
        var folder = CheckpointModels.Folder();
        Model.Save(Path.Combine(folder, "a.ckpt"), model);
        Model.Save(Path.Combine(folder, "b.ckpt"), model);
        var bytes = File.ReadAllBytes(Path.Combine(folder, "a.ckpt"));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(folder, "b.ckpt")));

        // The weights part is exactly what TorchSharp's Module.save writes, so TorchSharp can read it on its own.
        var weights = CheckpointFile.Parse(bytes, "a.ckpt").Weights;
        using var torchSharp = new MemoryStream();
        using (var writer = new BinaryWriter(torchSharp, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            model.save(writer);
        }

        Assert.Equal(torchSharp.ToArray(), weights.ToArray());
    }

    [Fact]
    public void Saving_a_module_that_is_not_a_compiled_spec_says_which_modules_are()
    {
        using var linear = torch.nn.Linear(2, 3);
        var e = Assert.Throws<ArgumentException>(() => Model.Save(Path.Combine(CheckpointModels.Folder(), "x.ckpt"), linear));
        Assert.Contains("not a model compiled from a Gen spec", e.Message, StringComparison.Ordinal);
        Assert.Contains("FlowModel", e.Message, StringComparison.Ordinal);
    }
}
