using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace HostileProbes.Checkpoints;

/// <summary>
/// Weights parts that lie while every checksum is right (re-signed): counts, names, ranks, sizes and dtypes that ask for
/// more than the file holds or for another model, values that are not numbers.
/// </summary>
internal static class WeightForgeries
{
    private const string Saved = SavedModels.FlowWithOptimizer;

    public static IEnumerable<CheckpointCase> All()
    {
        var cases = new (string Name, Func<StateDictTable, byte[]> Forge, string CSharp)[]
        {
            ("an entry count of 2^31-1", t => t.Write(count: int.MaxValue), "count = int.MaxValue"),
            ("an entry count of 2^62", t => t.Write(count: 1L << 62), "count = 1L << 62"),
            ("an entry count of 0 (entries follow)", t => t.Write(count: 0), "count = 0"),
            ("an entry count one too many", t => t.Write(count: t.Entries.Count + 1), "count + 1"),
            ("an entry count of -1", t => t.Write(count: -1), "count = -1"),
            ("an entry count of ten 0xFF bytes", t => Concat(Enumerable.Repeat((byte)0xFF, 10).ToArray(), t.Write()[1..]), "count bytes = ten 0xFF"),
            ("no entries at all", t => new StateDictTable(new()).Write(), "an empty table"),
            ("an empty weights part", _ => Array.Empty<byte>(), "zero bytes"),
            ("the first name's length 2^31-1", t => RawFirst(t, w => w.Write7BitEncodedInt(int.MaxValue)), "name length = int.MaxValue"),
            ("the first name's length -1", t => RawFirst(t, w => w.Write7BitEncodedInt(-1)), "name length = -1"),
            ("the first name empty", t => With(t, 0, e => e with { Name = "" }), "name = \"\""),
            ("the first name 1 MB long", t => With(t, 0, e => e with { Name = new string('a', 1 << 20) }), "name = 1 MB of 'a'"),
            ("the first name in invalid UTF-8", t => RawFirst(t, w => { w.Write7BitEncodedInt(3); w.Write(new byte[] { 0xFF, 0xFE, 0xFD }); }), "name = bytes FF FE FD"),
            ("two entries with one name", t => With(t, 1, e => e with { Name = t.Entries[0].Name }), "second name = first name"),
            ("an unknown name", t => With(t, 0, e => e with { Name = "no.such.parameter" }), "name = no.such.parameter"),
            ("the first rank 65", t => With(t, 0, e => e with { Shape = Enumerable.Repeat(1L, 65).ToArray() }), "rank 65, sizes 1"),
            ("the first rank 2^31-1", t => RawShape(t, w => w.Write7BitEncodedInt64(int.MaxValue)), "rank = int.MaxValue"),
            ("the first rank -1", t => RawShape(t, w => w.Write7BitEncodedInt64(-1)), "rank = -1"),
            ("the first size -1", t => With(t, 0, e => e with { Shape = e.Shape.Select((s, i) => i == 0 ? -1 : s).ToArray() }), "shape[0] = -1"),
            ("the first tensor 2^40 elements", t => With(t, 0, e => e with { Shape = new[] { 1L << 40 } }), "shape = [2^40]"),
            ("the first tensor [2^31, 2^31, 2^31] (product past 2^63)", t => With(t, 0, e => e with { Shape = new[] { 1L << 31, 1L << 31, 1L << 31 } }), "shape = [2^31, 2^31, 2^31]"),
            ("the first tensor of size 0 (its bytes left over)", t => With(t, 0, e => e with { Shape = new[] { 0L } }), "shape = [0]"),
            ("the first tensor's shape transposed", t => With(t, First2d(t), e => e with { Shape = e.Shape.Reverse().ToArray() }), "a 2-D shape reversed"),
            ("the first dtype code 99", t => With(t, 0, e => e with { Dtype = 99 }), "dtype = 99"),
            ("the first dtype code -1", t => With(t, 0, e => e with { Dtype = -1 }), "dtype = -1"),
            ("the first dtype float64 (values of float32)", t => With(t, 0, e => e with { Dtype = 7 }), "dtype = float64"),
            ("the first dtype bool", t => With(t, 0, e => e with { Dtype = 11 }), "dtype = bool"),
            ("every dtype float64 with doubled values", t => new StateDictTable(t.Entries.Select(e => e with { Dtype = 7, Values = e.Values.Concat(e.Values).ToArray() }).ToList()).Write(), "float64 everywhere"),
            ("NaN in every value", t => new StateDictTable(t.Entries.Select(e => e with { Values = Fill(e.Values.Length, float.NaN) }).ToList()).Write(), "every float32 = NaN"),
            ("infinity in every value", t => new StateDictTable(t.Entries.Select(e => e with { Values = Fill(e.Values.Length, float.PositiveInfinity) }).ToList()).Write(), "every float32 = +inf"),
        };
        foreach (var (name, forge, csharp) in cases)
        {
            foreach (var reader in new[] { Reader.Load, Reader.LoadWeights() })
            {
                yield return CheckpointCase.OfBytes($"weights with {name}", Saved,
                    () =>
                    {
                        var c = CheckpointBytes.Parse(SavedModels.Bytes(Saved));
                        return (c with { Weights = forge(StateDictTable.Parse(c.Weights)) }).Write();
                    },
                    $"// the weights part's state-dict table rewritten with {csharp}, the header's lengths, checksum and the final SHA-256 recomputed\nFile.WriteAllBytes(\"bad.ckpt\", forged);",
                    reader);
            }
        }
    }

    private static byte[] With(StateDictTable t, int index, Func<StateDictTable.Entry, StateDictTable.Entry> change) =>
        new StateDictTable(t.Entries.Select((e, i) => i == index ? change(e) : e).ToList()).Write();

    private static int First2d(StateDictTable t) => t.Entries.FindIndex(e => e.Shape.Length == 2 && e.Shape[0] != e.Shape[1]);

    // The count, then the first entry with its name written by `name`, then the rest as they were.
    private static byte[] RawFirst(StateDictTable t, Action<BinaryWriter> name)
    {
        var whole = t.Write();
        var first = t.Entries[0];
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt64(t.Entries.Count);
            name(w);
        }

        int skip = Prefix(t.Entries.Count) + Prefix(Encoding.UTF8.GetByteCount(first.Name)) + Encoding.UTF8.GetByteCount(first.Name);
        return Concat(buffer.ToArray(), whole[skip..]);
    }

    // The count, the first entry's name and dtype, then its rank written by `rank` and nothing of its shape, then the rest.
    private static byte[] RawShape(StateDictTable t, Action<BinaryWriter> rank)
    {
        var whole = t.Write();
        var first = t.Entries[0];
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write7BitEncodedInt64(t.Entries.Count);
            w.Write(first.Name);
            w.Write7BitEncodedInt64(first.Dtype);
            rank(w);
        }

        int skip = Prefix(t.Entries.Count) + Prefix(Encoding.UTF8.GetByteCount(first.Name)) + Encoding.UTF8.GetByteCount(first.Name) + Prefix(first.Dtype)
            + Prefix(first.Shape.Length) + first.Shape.Sum(s => Prefix(s));
        return Concat(buffer.ToArray(), whole[skip..]);
    }

    private static int Prefix(long value)
    {
        int n = 1;
        for (ulong v = (ulong)value; v >= 0x80; v >>= 7)
        {
            n++;
        }

        return n;
    }

    private static byte[] Fill(int bytes, float value) => Enumerable.Range(0, bytes / 4).SelectMany(_ => BitConverter.GetBytes(value)).ToArray();

    private static byte[] Concat(byte[] a, byte[] b) => a.Concat(b).ToArray();
}
