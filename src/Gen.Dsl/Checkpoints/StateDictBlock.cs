using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// A module's state dict (parameters and buffers by name) in TorchSharp's own format, the bytes its
/// <c>Module.save</c> writes: the entry count, then per entry the name (a length-prefixed UTF-8 string), the dtype,
/// the rank and each size (7-bit encoded integers), and the raw little-endian values. Tensors stream to and from the
/// file a piece at a time (<see cref="TensorBytes"/>), so a block of any size costs no more memory than its pieces.
/// Loading reads the table of names, dtypes and shapes first, each count and size checked against the bytes left, and
/// checks every entry against the model built from the spec before copying anything.
/// </summary>
internal static class StateDictBlock
{
    private const int MaxRank = 64;

    /// <summary>The block of the model's parameters and buffers, in the state dict's order, ready to stream.</summary>
    public static CheckpointPart Plan(torch.nn.Module model) => Plan(model.state_dict().ToArray());

    /// <summary>The block of <paramref name="entries"/> (names and tensors, as a state dict lists them), ready to stream.</summary>
    public static CheckpointPart Plan(IReadOnlyList<KeyValuePair<string, torch.Tensor>> entries)
    {
        var headers = new byte[entries.Count][];
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt64(entries.Count);
        }

        var count = buffer.ToArray();
        long length = count.Length;
        for (int i = 0; i < entries.Count; i++)
        {
            headers[i] = Header(entries[i].Key, entries[i].Value);
            length += headers[i].Length + TensorBytes.Length(entries[i].Value);
        }

        return new CheckpointPart(length, stream =>
        {
            stream.Write(count);
            for (int i = 0; i < entries.Count; i++)
            {
                stream.Write(headers[i]);
                TensorBytes.Write(stream, entries[i].Value);
            }
        });
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

    /// <summary>
    /// The block's table: each entry's name, dtype, shape and where its values lie, read without reading the values.
    /// Every count, rank, size and length is checked against the bytes left in the block before it is used.
    /// </summary>
    /// <exception cref="GenCheckpointException">The block is malformed (<see cref="CheckpointError.Corrupted"/>).</exception>
    public static IReadOnlyList<StateDictEntry> ReadTable(StreamSlice block)
    {
        var entries = new List<StateDictEntry>();
        block.Position = 0;
        using var reader = new BinaryReader(block, Encoding.UTF8, leaveOpen: true);
        try
        {
            // An entry takes at least a name length, a dtype and a rank: three bytes.
            long count = BlockReading.Count(reader, block, 3, "tensors");
            for (long i = 0; i < count; i++)
            {
                var name = BlockReading.String(reader, block);
                var dtype = (torch.ScalarType)reader.Read7BitEncodedInt64();
                long elementSize = ElementSize(dtype);
                long rank = reader.Read7BitEncodedInt64();
                if (rank < 0 || rank > MaxRank || rank > block.Remaining)
                {
                    throw new InvalidDataException($"'{name}' has rank {rank}");
                }

                var shape = new long[rank];
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = reader.Read7BitEncodedInt64();
                    if (shape[d] < 0)
                    {
                        throw new InvalidDataException($"'{name}' has a size {shape[d]}");
                    }
                }

                long bytes = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * elementSize);
                if (bytes > block.Remaining)
                {
                    throw new EndOfStreamException($"'{name}' needs {bytes} bytes, but {block.Remaining} are left");
                }

                entries.Add(new StateDictEntry(name, dtype, shape, block.Position));
                block.Seek(bytes, SeekOrigin.Current);
            }

            if (block.Remaining != 0 || entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != entries.Count)
            {
                throw new InvalidDataException("entries are repeated or bytes are left over");
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or OverflowException or FormatException)
        {
            throw new GenCheckpointException(CheckpointError.Corrupted, $"the weights are malformed ({e.Message}), though the checksum matches: the file was written wrongly.", inner: e);
        }

        return entries;
    }

    /// <summary>The number of values the table's entries hold, all together.</summary>
    public static long Elements(IEnumerable<StateDictEntry> table) => table.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>Loads the weights into <paramref name="model"/>, which was compiled from the checkpoint's spec.</summary>
    /// <exception cref="GenCheckpointException">The weights do not fit the model (<see cref="CheckpointError.WeightsMismatch"/>).</exception>
    public static void LoadInto(torch.nn.Module model, StreamSlice block, IReadOnlyList<StateDictEntry> table, string target = "the model built from the checkpoint's spec")
    {
        var saved = table.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var state = model.state_dict();
        Check(saved, state, target);
        foreach (var (name, tensor) in state)
        {
            block.Position = saved[name].Offset;
            TensorBytes.Read(block, tensor);
        }
    }

    private static byte[] Header(string name, torch.Tensor tensor)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(name);
            writer.Write7BitEncodedInt64((long)tensor.dtype);
            writer.Write7BitEncodedInt64(tensor.dim());
            foreach (var size in tensor.shape)
            {
                writer.Write7BitEncodedInt64(size);
            }
        }

        return buffer.ToArray();
    }

    private static void Check(Dictionary<string, StateDictEntry> saved, Dictionary<string, torch.Tensor> target, string what)
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
                $"the weights do not fit {what}: {string.Join("; ", problems.Take(5))}{(problems.Count > 5 ? $"; and {problems.Count - 5} more" : "")}. Nothing was loaded.");
        }
    }

    private static string Names(string[] names) =>
        string.Join(", ", names.Take(5).Select(n => $"'{n}'")) + (names.Length > 5 ? $" and {names.Length - 5} more" : "");

    private static long ElementSize(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.Byte or torch.ScalarType.Int8 or torch.ScalarType.Bool => 1,
        torch.ScalarType.Int16 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        torch.ScalarType.Int32 or torch.ScalarType.Float32 => 4,
        torch.ScalarType.Int64 or torch.ScalarType.Float64 or torch.ScalarType.ComplexFloat32 => 8,
        torch.ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"unknown dtype code {(int)dtype}"),
    };
}
