using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace HostileProbes.Downloads;

/// <summary>Small files that are large when decompressed, and IDX content of MNIST's test-image shape.</summary>
internal static class GzipBombs
{
    private static readonly Lazy<byte[]> Member = new(() => Compress(new byte[64 << 20]));

    /// <summary>Gzip members of 64 MiB of zeros each, concatenated (a valid gzip file): about 64 KiB per member.</summary>
    public static byte[] OfZeros(int members) => Enumerable.Repeat(Member.Value, members).SelectMany(m => m).ToArray();

    /// <summary>Raw IDX bytes: unsigned bytes with the given dimensions, all zero.</summary>
    public static byte[] Idx(params int[] dimensions)
    {
        long elements = dimensions.Aggregate(1L, (a, d) => a * d);
        var bytes = new byte[4 + (4 * dimensions.Length) + elements];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x0800 | dimensions.Length);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        return bytes;
    }

    public static byte[] Compress(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }
}
