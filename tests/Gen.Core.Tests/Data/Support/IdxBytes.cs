using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Gen.Core.Tests.Data.Support;

/// <summary>Builds IDX content by hand, so that the tests do not depend on the code under test to write it.</summary>
internal static class IdxBytes
{
    public static byte[] Header(byte type, params int[] dimensions)
    {
        var header = new byte[4 + (4 * dimensions.Length)];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        return header;
    }

    public static byte[] UnsignedBytes(byte[] data, params int[] dimensions) => Concat(Header(0x08, dimensions), data);

    public static byte[] Concat(byte[] a, byte[] b)
    {
        var all = new byte[a.Length + b.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        return all;
    }

    public static byte[] GzipCompress(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    public static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
