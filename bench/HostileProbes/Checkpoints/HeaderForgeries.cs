using System;
using System.Collections.Generic;
using System.Linq;

namespace HostileProbes.Checkpoints;

/// <summary>Headers that lie: versions, complements, part lengths (negative, past 2^31, adding up past 2^63), and broken checksums, each re-signed where the lie is in a field.</summary>
internal static class HeaderForgeries
{
    private const string Saved = SavedModels.FlowWithOptimizer;

    public static IEnumerable<CheckpointCase> All()
    {
        var cases = new (string Name, Func<CheckpointBytes, byte[]> Forge, string CSharp)[]
        {
            ("version 2, complement and checksum right", c => c.Write(version: 2), "version = 2"),
            ("version 0", c => c.Write(version: 0), "version = 0"),
            ("version 2^31-1", c => c.Write(version: int.MaxValue), "version = int.MaxValue"),
            ("version -1", c => c.Write(version: -1), "version = -1"),
            ("version complement wrong", c => c.Write(versionComplement: 12345), "versionComplement = 12345"),
            ("JSON length one more than the part", c => c.Write(jsonLength: c.Json.Length + 1), "jsonLength = json.Length + 1"),
            ("JSON length one less than the part", c => c.Write(jsonLength: c.Json.Length - 1), "jsonLength = json.Length - 1"),
            ("JSON length -1", c => c.Write(jsonLength: -1), "jsonLength = -1"),
            ("JSON length 2^31", c => c.Write(jsonLength: 1L << 31), "jsonLength = 1L << 31"),
            ("JSON length 2^63-1", c => c.Write(jsonLength: long.MaxValue), "jsonLength = long.MaxValue"),
            ("weights length 2^62", c => c.Write(weightsLength: 1L << 62), "weightsLength = 1L << 62"),
            ("weights length 0", c => c.Write(weightsLength: 0), "weightsLength = 0"),
            ("optimizer length 2^63-1", c => c.Write(optimizerLength: long.MaxValue), "optimizerLength = long.MaxValue"),
            ("three lengths of 2^62 (sum past 2^63)", c => c.Write(jsonLength: 1L << 62, weightsLength: 1L << 62, optimizerLength: 1L << 62), "all three lengths = 1L << 62"),
            ("lengths moved between parts (JSON +8, weights -8)", c => c.Write(jsonLength: c.Json.Length + 8, weightsLength: c.Weights.Length - 8), "jsonLength += 8, weightsLength -= 8"),
            ("header checksum wrong", c => { var b = c.Write(); b[40] ^= 1; return b; }, "then b[40] ^= 1"),
            ("final hash wrong", c => { var b = c.Write(); b[^1] ^= 1; return b; }, "then b[^1] ^= 1"),
            ("one byte appended", c => c.Write().Append((byte)0).ToArray(), "then one zero byte appended"),
            ("1 MiB appended, re-signed", c => CheckpointBytes.Sign(c.Write()[..^32], new byte[1 << 20]), "then 1 MiB of zeros appended and the hash recomputed"),
            ("header alone, describing empty parts", c => CheckpointBytes.Sign(CheckpointBytes.Header(1, ~1, 0, 0, 0)), "a header of empty parts and its hash"),
        };
        foreach (var (name, forge, csharp) in cases)
        {
            foreach (var reader in new[] { Reader.Load, Reader.LoadOptimizer() })
            {
                yield return CheckpointCase.OfBytes(name, Saved, () => forge(CheckpointBytes.Parse(SavedModels.Bytes(Saved))),
                    $"// the header rewritten with {csharp}, its checksum and the final SHA-256 recomputed (see the file layout in Gen.Dsl's README)\nFile.WriteAllBytes(\"bad.ckpt\", forged);", reader);
            }
        }
    }
}
