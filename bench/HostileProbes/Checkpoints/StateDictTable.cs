using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace HostileProbes.Checkpoints;

/// <summary>
/// The weights part as TorchSharp's <c>Module.save</c> writes it: a 7-bit encoded entry count, then per entry a
/// length-prefixed UTF-8 name, the dtype code, the rank and each size (7-bit encoded), and the raw values. Read into
/// entries so that a forger can change one field and write the rest back as it was.
/// </summary>
internal sealed record StateDictTable(List<StateDictTable.Entry> Entries)
{
    internal sealed record Entry(string Name, long Dtype, long[] Shape, byte[] Values);

    public static StateDictTable Parse(byte[] block)
    {
        using var reader = new BinaryReader(new MemoryStream(block), Encoding.UTF8);
        long count = reader.Read7BitEncodedInt64();
        var entries = new List<Entry>();
        for (long i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            long dtype = reader.Read7BitEncodedInt64();
            var shape = new long[reader.Read7BitEncodedInt64()];
            for (int d = 0; d < shape.Length; d++)
            {
                shape[d] = reader.Read7BitEncodedInt64();
            }

            long bytes = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype);
            entries.Add(new Entry(name, dtype, shape, reader.ReadBytes((int)bytes)));
        }

        return new StateDictTable(entries);
    }

    /// <summary>The block, with the entry count given (or the true one).</summary>
    public byte[] Write(long? count = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt64(count ?? Entries.Count);
            foreach (var e in Entries)
            {
                writer.Write(e.Name);
                writer.Write7BitEncodedInt64(e.Dtype);
                writer.Write7BitEncodedInt64(e.Shape.Length);
                foreach (var size in e.Shape)
                {
                    writer.Write7BitEncodedInt64(size);
                }

                writer.Write(e.Values);
            }
        }

        return buffer.ToArray();
    }

    private static long ElementSize(long dtype) => dtype switch
    {
        0 or 1 or 11 => 1,   // uint8, int8, bool
        2 or 5 or 15 => 2,   // int16, float16, bfloat16
        3 or 6 => 4,         // int32, float32
        4 or 7 => 8,         // int64, float64
        _ => throw new InvalidDataException($"dtype {dtype}"),
    };
}
