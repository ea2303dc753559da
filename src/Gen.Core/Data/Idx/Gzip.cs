using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Gen.Data;

/// <summary>Gzip detection by magic bytes and decompression with a diagnosis of truncated streams.</summary>
internal static class Gzip
{
    /// <summary>Decompressed content, and a sentence explaining a truncated gzip stream (null when it looks whole).</summary>
    internal readonly record struct Decoded(byte[] Content, string? TruncationNote);

    /// <summary>Whether the bytes start with the gzip magic number 1f 8b.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    /// <summary>Decompresses gzip content; returns other content unchanged.</summary>
    /// <param name="bytes">The content, gzip-compressed or not.</param>
    /// <param name="source">The file or address, for messages.</param>
    /// <param name="limit">
    /// The most decompressed bytes accepted; decompression stops as soon as the content would exceed it, so that a
    /// small file expanding to gigabytes (a gzip bomb) costs no more than the limit. At most <see cref="Array.MaxLength"/>.
    /// </param>
    /// <param name="allowed">What the limit stands for, appended to the message (", the most mnist/... can take: ...").</param>
    /// <exception cref="GenDataException">The gzip data is corrupt or decompresses to more than <paramref name="limit"/> bytes.</exception>
    public static Decoded DecompressIfGzip(byte[] bytes, string source, long limit = long.MaxValue, string? allowed = null)
    {
        if (!IsGzip(bytes))
        {
            return new Decoded(bytes, null);
        }

        // No byte array holds more: past it MemoryStream would throw an IOException that names no file.
        limit = Math.Min(limit, Array.MaxLength);
        byte[] content;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = gzip.Read(chunk)) > 0)
            {
                if (buffer.Length + n > limit)
                {
                    throw new GenDataException(
                        $"{source}: the gzip data ({bytes.Length} compressed bytes) decompresses to more than {limit} bytes" +
                        $"{allowed ?? ", more than any array can hold"}; decompression was stopped there.",
                        source);
                }

                buffer.Write(chunk, 0, n);
            }

            content = buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new GenDataException($"{source}: the gzip data is corrupt ({bytes.Length} compressed bytes): {e.Message}", source, e);
        }

        // GZipStream returns what it could decode from a cut-short stream without complaint. The trailer's last four
        // bytes hold the decompressed size (mod 2^32); in a truncated file they are compressed data instead, so a
        // mismatch explains a short result. (A file of several gzip members can mismatch too, so this only explains.)
        var recorded = bytes.Length >= 18 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)) : (uint?)null;
        var note = recorded == (uint)content.Length
            ? null
            : $"The gzip stream ({bytes.Length} compressed bytes) ended after {content.Length} decompressed bytes without a " +
              "matching trailer: the compressed file is truncated.";
        return new Decoded(content, note);
    }

    /// <summary>The first bytes (at most <paramref name="count"/>) that gzip content decompresses to, decompressing no more.</summary>
    /// <exception cref="GenDataException">The gzip data is corrupt.</exception>
    public static byte[] DecompressPrefix(byte[] bytes, string source, int count)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
            var prefix = new byte[count];
            int got = gzip.ReadAtLeast(prefix, count, throwOnEndOfStream: false);
            return prefix.AsSpan(0, got).ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new GenDataException($"{source}: the gzip data is corrupt ({bytes.Length} compressed bytes): {e.Message}", source, e);
        }
    }

    /// <summary>Compresses content with gzip.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }
}
