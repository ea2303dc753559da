using System;
using System.Collections.Generic;
using System.Linq;

namespace HostileProbes.Checkpoints;

/// <summary>Checkpoints cut short at the places a copy or download could stop: in the header, in each part, in the final hash.</summary>
internal static class Truncations
{
    public static IEnumerable<CheckpointCase> All()
    {
        foreach (var (saved, readers) in new[]
        {
            (SavedModels.FlowWithOptimizer, Reader.Every),
            ("vae", new[] { Reader.Load, Reader.ReadSpec }),
            ("pixel_cnn", new[] { Reader.Load, Reader.ReadSpec }),
        })
        {
            foreach (var (label, offset) in Offsets(saved))
            {
                foreach (var reader in readers)
                {
                    yield return CheckpointCase.OfBytes($"{saved} cut to {label}", saved, () => SavedModels.Bytes(saved)[..offset(SavedModels.Bytes(saved))],
                        $"File.WriteAllBytes(\"bad.ckpt\", b[..{label.Split(' ')[0]}]);  // {label}", reader);
                }
            }
        }
    }

    private static IEnumerable<(string Label, Func<byte[], int> Offset)> Offsets(string saved)
    {
        int Json(byte[] b) => (int)BitConverter.ToInt64(b, 16);
        int Weights(byte[] b) => (int)BitConverter.ToInt64(b, 24);
        yield return ("0 bytes", _ => 0);
        foreach (int n in new[] { 1, 4, 8, 12, 16, 40, 47, 48, 49 })
        {
            yield return ($"{n} bytes", _ => n);
        }

        yield return ("half its JSON", b => 48 + (Json(b) / 2));
        yield return ("the end of its JSON", b => 48 + Json(b));
        yield return ("half its weights", b => 48 + Json(b) + (Weights(b) / 2));
        yield return ("33 bytes short", b => b.Length - 33);
        yield return ("32 bytes short (no final hash)", b => b.Length - 32);
        yield return ("1 byte short", b => b.Length - 1);
    }
}
