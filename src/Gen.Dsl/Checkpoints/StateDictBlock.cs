using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A module's state dict (parameters and buffers by name) in TorchSharp's own format, the bytes its
/// <c>Module.save</c> writes: the entry count, then per entry the name (a length-prefixed UTF-8 string), the dtype,
/// the rank and each size (7-bit encoded integers), and the raw little-endian values. Loading checks every name,
/// dtype and shape against the model built from the spec before copying anything.
/// </summary>
internal static class StateDictBlock
{
    /// <summary>The model's parameters and buffers, copied to the CPU, in the state dict's order.</summary>
    public static byte[] Write(torch.nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            var entries = model.state_dict();
            writer.Write7BitEncodedInt64(entries.Count);
            foreach (var (name, tensor) in entries)
            {
                var values = tensor.detach().cpu().contiguous();
                writer.Write(name);
                writer.Write7BitEncodedInt64((long)values.dtype);
                writer.Write7BitEncodedInt64(values.dim());
                foreach (var size in values.shape)
                {
                    writer.Write7BitEncodedInt64(size);
                }

                writer.Write(values.bytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The floating-point dtype of the model's tensors.</summary>
    /// <exception cref="ArgumentException">The model's tensors have several floating-point dtypes.</exception>
    public static torch.ScalarType DtypeOf(torch.nn.Module model)
    {
        var types = model.state_dict().Values.Where(t => t.is_floating_point()).Select(t => t.dtype).Distinct().ToArray();
        return types.Length switch
        {
            0 => torch.float32,
            1 => types[0],
            _ => throw new ArgumentException($"The model's tensors have several dtypes ({string.Join(", ", types)}); a checkpoint holds a model compiled in one dtype.", nameof(model)),
        };
    }

    /// <summary>Loads the weights into <paramref name="model"/>, which was compiled from the checkpoint's spec.</summary>
    /// <exception cref="GenCheckpointException">The weights do not fit the model (<see cref="CheckpointError.WeightsMismatch"/>), or the block is malformed.</exception>
    public static void LoadInto(torch.nn.Module model, ArraySegment<byte> block)
    {
        var saved = Parse(block).ToDictionary(e => e.Name, StringComparer.Ordinal);
        var target = model.state_dict();
        Check(saved, target);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in target)
        {
            var entry = saved[name];
            var values = torch.empty(entry.Shape, dtype: entry.Dtype);
            values.bytes = entry.Data;
            tensor.copy_(values);
        }
    }

    private static void Check(Dictionary<string, Entry> saved, Dictionary<string, torch.Tensor> target)
    {
        var missing = target.Keys.Where(k => !saved.ContainsKey(k)).ToArray();
        var extra = saved.Keys.Where(k => !target.ContainsKey(k)).ToArray();
        var problems = new List<string>();
        if (missing.Length > 0)
        {
            problems.Add($"the file has no {Names(missing)}");
        }

        if (extra.Length > 0)
        {
            problems.Add($"the file has {Names(extra)}, which the model lacks");
        }

        foreach (var (name, tensor) in target.Where(t => saved.ContainsKey(t.Key)))
        {
            var entry = saved[name];
            if (entry.Dtype != tensor.dtype || !entry.Shape.SequenceEqual(tensor.shape))
            {
                problems.Add($"'{name}' is {entry.Dtype} {Shape.Format(entry.Shape)} in the file but {tensor.dtype} {Shape.Format(tensor.shape)} in the model");
            }
        }

        if (problems.Count > 0)
        {
            throw new GenCheckpointException(
                CheckpointError.WeightsMismatch,
                $"the weights do not fit the model built from the checkpoint's spec: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $"; and {problems.Count - 5} more" : "")}. Nothing was loaded.");
        }
    }

    private static string Names(string[] names) =>
        string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Length > 5 ? $" and {names.Length - 5} more" : "");

    private static List<Entry> Parse(ArraySegment<byte> block)
    {
        var entries = new List<Entry>();
        using var stream = new MemoryStream(block.Array!, block.Offset, block.Count, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            long count = reader.Read7BitEncodedInt64();
            for (long i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = (torch.ScalarType)reader.Read7BitEncodedInt64();
                var shape = new long[reader.Read7BitEncodedInt64()];
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = reader.Read7BitEncodedInt64();
                }

                long bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype));
                if (bytes > stream.Length - stream.Position)
                {
                    throw new EndOfStreamException($"'{name}' needs {bytes} bytes");
                }

                entries.Add(new Entry(name, dtype, shape, new ArraySegment<byte>(block.Array!, block.Offset + (int)stream.Position, (int)bytes)));
                stream.Seek(bytes, SeekOrigin.Current);
            }

            if (stream.Position != stream.Length || entries.Select(e => e.Name).Distinct().Count() != entries.Count)
            {
                throw new InvalidDataException("entries are repeated or bytes are left over");
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or FormatException or ArgumentException)
        {
            throw new GenCheckpointException(CheckpointError.Corrupted, $"the weights are malformed ({e.Message}), though the checksum matches: the file was written wrongly.", inner: e);
        }

        return entries;
    }

    private static long ElementSize(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
        torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
        torch.ScalarType.Int64 or torch.ScalarType.Float64 or torch.ScalarType.ComplexFloat32 => 8,
        torch.ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"unknown dtype code {(int)dtype}"),
    };

    private sealed record Entry(string Name, torch.ScalarType Dtype, long[] Shape, ArraySegment<byte> Data);
}
