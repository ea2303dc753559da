using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace HostileProbes.Checkpoints;

/// <summary>
/// Optimizer parts that lie while every checksum is right (re-signed), read by <c>Model.LoadOptimizer</c>: the table
/// of parameter names (a 7-bit count and names), then FusedAdam's state (a tag, a version, five hyper-parameters, a
/// parameter count, and per parameter its dtype, rank, sizes, step count and two moment estimates).
/// </summary>
internal static class OptimizerForgeries
{
    private const string Saved = SavedModels.FlowWithOptimizer;

    public static IEnumerable<CheckpointCase> All()
    {
        var cases = new (string Name, Func<Parts, byte[]> Forge, string CSharp)[]
        {
            ("a name count of 2^31-1", p => p.With(count: int.MaxValue), "name count = int.MaxValue"),
            ("a name count of 2^62", p => p.With(count: 1L << 62), "name count = 1L << 62"),
            ("a name count of 0", p => p.With(count: 0), "name count = 0"),
            ("a name count of -1", p => p.With(count: -1), "name count = -1"),
            ("an unknown parameter name", p => p.With(names: p.Names.Select((n, i) => i == 0 ? "no.such.parameter" : n).ToArray()), "names[0] = no.such.parameter"),
            ("a parameter named twice", p => p.With(names: p.Names.Select((n, i) => i == 1 ? p.Names[0] : n).ToArray()), "names[1] = names[0]"),
            ("the names in another order", p => p.With(names: p.Names.Reverse().ToArray()), "names reversed"),
            ("a name 1 MB long", p => p.With(names: p.Names.Select((n, i) => i == 0 ? new string('a', 1 << 20) : n).ToArray()), "names[0] = 1 MB of 'a'"),
            ("the state's tag wrong", p => p.Adam(0, BitConverter.GetBytes(0x12345678)), "tag = 0x12345678"),
            ("the state's version 99", p => p.Adam(4, BitConverter.GetBytes(99)), "version = 99"),
            ("learning rate NaN", p => p.Adam(8, BitConverter.GetBytes(double.NaN)), "lr = NaN"),
            ("learning rate -1", p => p.Adam(8, BitConverter.GetBytes(-1.0)), "lr = -1"),
            ("learning rate infinite", p => p.Adam(8, BitConverter.GetBytes(double.PositiveInfinity)), "lr = +inf"),
            ("beta1 2", p => p.Adam(16, BitConverter.GetBytes(2.0)), "beta1 = 2"),
            ("beta2 -1", p => p.Adam(24, BitConverter.GetBytes(-1.0)), "beta2 = -1"),
            ("epsilon NaN", p => p.Adam(32, BitConverter.GetBytes(double.NaN)), "epsilon = NaN"),
            ("weight decay -1", p => p.Adam(40, BitConverter.GetBytes(-1.0)), "weight decay = -1"),
            ("a parameter count of 2^31-1", p => p.Adam(48, BitConverter.GetBytes(int.MaxValue)), "count = int.MaxValue"),
            ("a parameter count of -1", p => p.Adam(48, BitConverter.GetBytes(-1)), "count = -1"),
            ("the first dtype 99", p => p.Adam(52, BitConverter.GetBytes(99)), "dtype = 99"),
            ("the first rank 65", p => p.Adam(56, BitConverter.GetBytes(65)), "rank = 65"),
            ("the first rank -1", p => p.Adam(56, BitConverter.GetBytes(-1)), "rank = -1"),
            ("the first rank 2^31-1", p => p.Adam(56, BitConverter.GetBytes(int.MaxValue)), "rank = int.MaxValue"),
            ("the first size 2^40", p => p.Adam(60, BitConverter.GetBytes(1L << 40)), "size[0] = 2^40"),
            ("the first step count -1", p => p.Adam(p.FirstStep, BitConverter.GetBytes(-1L)), "step = -1"),
            ("the first step count 2^63-1", p => p.Adam(p.FirstStep, BitConverter.GetBytes(long.MaxValue)), "step = long.MaxValue"),
            ("the moments cut short by 4 bytes", p => p.Block[..^4], "last 4 bytes removed"),
            ("4 bytes after the moments", p => p.Block.Concat(new byte[4]).ToArray(), "4 zero bytes appended"),
            ("NaN moments", p => p.Block[..(p.AdamAt + p.FirstStep + 8)].Concat(Enumerable.Range(0, (p.Block.Length - p.AdamAt - p.FirstStep - 8) / 4).SelectMany(_ => BitConverter.GetBytes(float.NaN))).ToArray(), "every moment = NaN"),
        };
        foreach (var (name, forge, csharp) in cases)
        {
            yield return CheckpointCase.OfBytes($"optimizer state with {name}", Saved,
                () =>
                {
                    var c = CheckpointBytes.Parse(SavedModels.Bytes(Saved));
                    return (c with { Optimizer = forge(Parts.Parse(c.Optimizer)) }).Write();
                },
                $"// the optimizer part rewritten with {csharp}, the header's lengths, checksum and the final SHA-256 recomputed\nFile.WriteAllBytes(\"bad.ckpt\", forged);",
                Reader.LoadOptimizer());
        }

        yield return CheckpointCase.OfBytes("an optimizer of another model (the VAE) against the flow's", Saved, () => SavedModels.Bytes(Saved), "File.Copy(\"good.ckpt\", \"bad.ckpt\");", Reader.LoadOptimizer("vae"));
        foreach (var family in Specs.ValidSpecs.All.Select(e => e.Name))
        {
            yield return CheckpointCase.OfBytes($"{family} saved without an optimizer", family, () => SavedModels.Bytes(family), "File.Copy(\"good.ckpt\", \"bad.ckpt\");", Reader.LoadOptimizer(family));
        }
    }

    /// <summary>The optimizer part: its names, where FusedAdam's state starts, and where the first parameter's step count lies in it.</summary>
    private sealed record Parts(byte[] Block, string[] Names, int AdamAt, int FirstStep)
    {
        public static Parts Parse(byte[] block)
        {
            using var reader = new BinaryReader(new MemoryStream(block), Encoding.UTF8);
            var names = new string[reader.Read7BitEncodedInt64()];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = reader.ReadString();
            }

            int adam = (int)reader.BaseStream.Position;
            int rank = BinaryPrimitives.ReadInt32LittleEndian(block.AsSpan(adam + 56));
            return new Parts(block, names, adam, 60 + (8 * rank));
        }

        public byte[] With(long? count = null, string[]? names = null)
        {
            using var buffer = new MemoryStream();
            using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                w.Write7BitEncodedInt64(count ?? (names ?? Names).Length);
                foreach (var n in names ?? Names)
                {
                    w.Write(n);
                }

                w.Write(Block.AsSpan(AdamAt));
            }

            return buffer.ToArray();
        }

        /// <summary>The block with bytes of FusedAdam's state replaced at <paramref name="offset"/> from its start.</summary>
        public byte[] Adam(int offset, byte[] bytes)
        {
            var copy = (byte[])Block.Clone();
            bytes.CopyTo(copy, AdamAt + offset);
            return copy;
        }
    }
}
