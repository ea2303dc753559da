using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Checkpoints;

/// <summary>Weights in the safetensors format: the layout PyTorch's tools read, round trips, and hostile files.</summary>
public sealed class SafeTensorsTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"gen-safetensors-{Guid.NewGuid():N}");

    public SafeTensorsTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string File(string name) => Path.Combine(folder, name);

    // A file as the format lays it out: the header length, the header, the data.
    private static byte[] Layout(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static byte[] Data(params object[] values) => values.SelectMany(v => v switch
    {
        float f => BitConverter.GetBytes(f),
        long l => BitConverter.GetBytes(l),
        _ => throw new ArgumentException("float or long"),
    }).ToArray();

    [Fact]
    public void The_file_is_laid_out_as_the_format_says()
    {
        var path = File("pinned.safetensors");
        SafeTensors.Write(path, new Dictionary<string, torch.Tensor>
        {
            ["b"] = torch.tensor(new long[] { 7 }),
            ["a"] = torch.tensor(new[] { 1f, 2f }),
        });
        // Names in order, the header padded with spaces to a multiple of 8, the data little-endian.
        const string Header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        var padded = Header + new string(' ', (8 - (Header.Length % 8)) % 8);
        Assert.Equal(Layout(padded, Data(1f, 2f, 7L)), System.IO.File.ReadAllBytes(path));
    }

    [Fact]
    public void A_file_written_elsewhere_reads_with_its_metadata()
    {
        // As Python's safetensors writes it: metadata first, keys in any order, trailing spaces.
        var path = File("python.safetensors");
        System.IO.File.WriteAllBytes(path, Layout(
            "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[8,16]},\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}   ",
            Data(3L, 0.5f, -1.5f)));
        var tensors = SafeTensors.Read(path, out var metadata);
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(new long[] { 2, 1 }, tensors["w"].shape);
        Assert.Equal(new[] { 0.5f, -1.5f }, tensors["w"].data<float>().ToArray());
        Assert.Equal(3L, tensors["n"].item<long>());
    }

    [Fact]
    public void A_model_saved_and_loaded_scores_bit_for_bit()
    {
        var path = File("flow.safetensors");
        using var flow = Flow.RealNvp(2, transforms: 2, 8).Then(Bij.BatchNorm()).Compile(Device.Cpu, seed: 0);
        CheckpointModels.Perturb(flow, 1);
        var x = ToyData.Sample(ToySet.Moons, 64, Device.Cpu, Seed.Generator(2));
        flow.eval();
        SafeTensors.Save(path, flow, new Dictionary<string, string> { ["model"] = "realnvp" });
        using var copy = Flow.RealNvp(2, transforms: 2, 8).Then(Bij.BatchNorm()).Compile(Device.Cpu, torch.float64, seed: 5);
        copy.eval();
        SafeTensors.Load(path, copy);
        using var back = copy.to(torch.float32);
        Assert.True(back.LogProb(x).equal(flow.LogProb(x)).all().item<bool>());
        SafeTensors.Read(path, out var metadata);
        Assert.Equal("realnvp", metadata["model"]);
    }

    [Fact]
    public void Tensors_that_do_not_fit_the_model_are_refused_before_anything_is_copied()
    {
        var path = File("other.safetensors");
        using var small = Flow.RealNvp(2, transforms: 1, 8).Compile(Device.Cpu, seed: 0);
        SafeTensors.Save(path, small);
        using var larger = Flow.RealNvp(2, transforms: 2, 8).Compile(Device.Cpu, seed: 1);
        var before = larger.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        var missing = Assert.Throws<GenCheckpointException>(() => SafeTensors.Load(path, larger));
        Assert.Equal(CheckpointError.WeightsMismatch, missing.Error);
        Assert.Contains("missing 'steps.1", missing.Message);
        Assert.All(larger.state_dict(), e => Assert.True(e.Value.equal(before[e.Key]).all().item<bool>()));

        using var wider = Flow.RealNvp(2, transforms: 1, 16).Compile(Device.Cpu, seed: 1);
        var shape = Assert.Throws<GenCheckpointException>(() => SafeTensors.Load(path, wider));
        Assert.Matches(@"the tensor 'steps\.0\.[a-z0-9_.]+' has shape \[[0-9, ]*8[0-9, ]*\] in the file and \[[0-9, ]*16[0-9, ]*\] in the model", shape.Message);
    }

    [Theory]
    [InlineData("truncated data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8, "the byte range [0, 16), outside the 8 bytes of data")]
    [InlineData("unknown dtype", "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "dtype 'F8_E4M3'")]
    [InlineData("shape against range", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "takes 12 bytes, but its range holds 8")]
    [InlineData("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "starts at byte 4")]
    [InlineData("beyond the data", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1000000000000],\"data_offsets\":[0,1000000000000]}}", 8, "outside the 8 bytes")]
    [InlineData("not json", "{\"a\": [", 0, "not JSON")]
    [InlineData("duplicate", "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2, "names 'a' twice")]
    [InlineData("negative size", "{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0, "not a whole number of 0 or more")]
    public void A_malformed_file_is_refused_naming_the_problem(string name, string header, int dataBytes, string expected)
    {
        var path = File($"{name.Replace(' ', '_')}.safetensors");
        System.IO.File.WriteAllBytes(path, Layout(header, new byte[dataBytes]));
        var e = Assert.Throws<GenCheckpointException>(() => SafeTensors.Read(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_header_length_past_the_file_or_a_path_that_is_no_file_is_refused_before_anything_is_allocated()
    {
        var path = File("huge.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 60);
        System.IO.File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<GenCheckpointException>(() => SafeTensors.Read(path));
        Assert.Equal(CheckpointError.Truncated, e.Error);
        System.IO.File.WriteAllBytes(path, new byte[3]);
        Assert.Equal(CheckpointError.Truncated, Assert.Throws<GenCheckpointException>(() => SafeTensors.Read(path)).Error);
        Assert.Equal(CheckpointError.Unreadable, Assert.Throws<GenCheckpointException>(() => SafeTensors.Read(folder)).Error);
        Assert.Equal(CheckpointError.Unreadable, Assert.Throws<GenCheckpointException>(() => SafeTensors.Read(File("missing.safetensors"))).Error);
    }
}
