using System;
using System.Collections.Generic;

namespace HostileProbes.Checkpoints;

/// <summary>Single bits flipped at seeded random places, as a failing disk or a bad copy would: every one must be caught by a checksum or a check.</summary>
internal static class BitFlips
{
    public static IEnumerable<CheckpointCase> All()
    {
        foreach (var (saved, count, reader, seed) in new[]
        {
            (SavedModels.FlowWithOptimizer, 40, Reader.Load, 1),
            (SavedModels.FlowWithOptimizer, 10, Reader.LoadOptimizer(), 2),
            ("vae", 10, Reader.Load, 3),
            ("gated_pixel_cnn", 10, Reader.ReadSpec, 4),
        })
        {
            var random = new Random(seed);
            for (int i = 0; i < count; i++)
            {
                // Drawn as fractions, so the places do not depend on the file's exact length.
                double where = random.NextDouble();
                int bit = random.Next(8);
                yield return CheckpointCase.OfBytes(
                    $"{saved} with bit {bit} of the byte at {where:P1} of its length flipped", saved,
                    () =>
                    {
                        var b = (byte[])SavedModels.Bytes(saved).Clone();
                        b[(int)(where * b.Length)] ^= (byte)(1 << bit);
                        return b;
                    },
                    $"b[(int)({where:R} * b.Length)] ^= {1 << bit}; File.WriteAllBytes(\"bad.ckpt\", b);", reader);
            }
        }
    }
}
