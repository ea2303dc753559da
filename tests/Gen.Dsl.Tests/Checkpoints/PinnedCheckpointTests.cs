using System;
using System.IO;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>A checkpoint written by format version 1, byte for byte: the format may only change with a new version, and version 1 files must keep loading.</summary>
public sealed class PinnedCheckpointTests
{
    private const string Version1 =
        "iUdFTkNLUFQBAAAA/v///54AAAAAAAAARAAAAAAAAAAAAAAAAAAAAJ+FQn7XHlCvewogICJ2ZXJzaW9uIjogMSwKICAiZHR5cGUiOiAiZmxvYXQzMiIsCiAgInNwZWMiOiB7CiAgICAidHlwZSI6ICJmdnNibiIsCiAgICAiZmVhdHVyZXMiOiAzLAogICAgIm9yZGVyIjogewogICAgICAidHlwZSI6ICJyZXZlcnNlZCIKICAgIH0KICB9LAogICJzdGF0ZSI6IHt9Cn0CBndlaWdodAYCAwMAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8AAMA/AADgPwAAAEAEYmlhcwYBAwAAgL8AAAAAAAAAP8AXeReq5l5d2/KkGJK5JkoPdi547oCBuywGc5OqR3OV";

    private static FvsbnModel Model()
    {
        var model = Autoregressive.Fvsbn(3).WithOrder(InputOrder.Reversed).Compile(Device.Cpu);
        using var noGrad = torch.no_grad();
        model.parameters().ElementAt(0).copy_(torch.arange(9, dtype: torch.float32).reshape(3, 3) / 4);
        model.parameters().ElementAt(1).copy_(torch.tensor(new[] { -1f, 0f, 0.5f }));
        return model;
    }

    [Fact]
    public void Saving_writes_exactly_the_version_1_bytes()
    {
        using var model = Model();
        var path = Path.Combine(CheckpointModels.Folder(), "fvsbn.ckpt");
        Dsl.Model.Save(path, model);
        Assert.Equal(Version1, Convert.ToBase64String(File.ReadAllBytes(path)));
    }

    [Fact]
    public void A_version_1_file_loads_as_the_model_it_was()
    {
        var path = Path.Combine(CheckpointModels.Folder(), "fvsbn.ckpt");
        File.WriteAllBytes(path, Convert.FromBase64String(Version1));
        using var expected = Model();
        using var loaded = Dsl.Model.Load<FvsbnModel>(path, Device.Cpu);
        Assert.Equal(expected.Spec, loaded.Spec);
        Assert.True(CheckpointModels.Same(expected.Weight(), loaded.Weight()));
        var x = torch.tensor(new float[,] { { 0, 1, 1 }, { 1, 0, 0 } });
        Assert.True(CheckpointModels.Same(expected.LogProb(x), loaded.LogProb(x)));
    }
}
