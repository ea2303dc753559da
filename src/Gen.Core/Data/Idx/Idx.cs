using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace Gen.Data;

/// <summary>
/// Reads IDX files, the format of MNIST: a big-endian header (magic number 0x0000TTRR with element type TT and
/// rank RR, then RR 32-bit dimensions) followed by the elements. Gzip-compressed and raw files are told apart
/// by their first bytes, not by their names. Every structural fault (bad magic number, unknown element type,
/// short header, too few or too many data bytes) throws <see cref="GenDataException"/> naming the file and the
/// expected and actual values.
/// </summary>
public static class Idx
{
    /// <summary>Reads and validates an IDX file, gzip-compressed or raw.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GenDataException">The file is missing, unreadable, corrupt or truncated.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenDataException($"{path}: cannot read the file: {e.Message}", path, e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses and validates the bytes of an IDX file, gzip-compressed or raw.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="source">A name for the content (a path or resource name), used in messages.</param>
    /// <exception cref="GenDataException">The content is corrupt or truncated.</exception>
    public static IdxArray Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        var decoded = Gzip.DecompressIfGzip(bytes, source);
        return ParseDecompressed(decoded.Content, source, decoded.TruncationNote);
    }

    /// <summary>As <see cref="Parse(byte[], string)"/>, decompressing no more than <paramref name="contentLimit"/> bytes.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="source">A name for the content, used in messages.</param>
    /// <param name="contentLimit">The most decompressed bytes accepted.</param>
    /// <param name="allowed">What the limit stands for, for the message.</param>
    internal static IdxArray ParseBounded(byte[] bytes, string source, long contentLimit, string allowed)
    {
        var decoded = Gzip.DecompressIfGzip(bytes, source, contentLimit, allowed);
        return ParseDecompressed(decoded.Content, source, decoded.TruncationNote);
    }

    /// <summary>The bytes of a raw IDX file of unsigned bytes with the given dimensions.</summary>
    internal static byte[] EncodeUnsignedBytes(ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data)
    {
        var header = 4 + (4 * dimensions.Length);
        var bytes = new byte[header + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, ((int)IdxElementType.UnsignedByte << 8) | dimensions.Length);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        data.CopyTo(bytes.AsSpan(header));
        return bytes;
    }

    /// <summary>Describes an element type for messages, for example "unsigned bytes".</summary>
    internal static string Describe(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte => "unsigned bytes",
        IdxElementType.SignedByte => "signed bytes",
        IdxElementType.Int16 => "16-bit integers",
        IdxElementType.Int32 => "32-bit integers",
        IdxElementType.Float32 => "32-bit floats",
        IdxElementType.Float64 => "64-bit floats",
        _ => $"unknown type 0x{(byte)type:X2}",
    };

    private static int ElementSize(IdxElementType type) => type switch
    {
        IdxElementType.UnsignedByte or IdxElementType.SignedByte => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        _ => 8,
    };

    private static IdxArray ParseDecompressed(byte[] content, string source, string? truncationNote)
    {
        var note = truncationNote is null ? string.Empty : " " + truncationNote;
        if (content.Length < 4)
        {
            throw new GenDataException(
                $"{source}: too short for an IDX file: {content.Length} bytes, but the magic number alone takes 4.{note}", source);
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(content);
        var type = (IdxElementType)content[2];
        int rank = content[3];
        if (content[0] != 0 || content[1] != 0 || !Enum.IsDefined(type) || rank == 0)
        {
            throw new GenDataException(
                $"{source}: not an IDX file: magic number 0x{magic:X8}, expected 0x0000TTRR with TT an element type " +
                "(08 unsigned byte, 09 signed byte, 0B int16, 0C int32, 0D float32, 0E float64) and RR the rank (at least 1).", source);
        }

        var header = 4 + (4 * rank);
        if (content.Length < header)
        {
            throw new GenDataException(
                $"{source}: truncated IDX header: magic number 0x{magic:X8} announces {rank} dimensions, so the header takes " +
                $"{header} bytes, but the content has {content.Length}.{note}", source);
        }

        var dimensions = new int[rank];
        // Exact arithmetic: a corrupt header can announce more bytes than a long holds.
        BigInteger elements = BigInteger.One;
        for (int i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(4 + (4 * i)));
            if (d > int.MaxValue)
            {
                throw new GenDataException($"{source}: corrupt IDX header: dimension {i} is {d}, more than any file can hold.", source);
            }

            dimensions[i] = (int)d;
            elements *= d;
        }

        var expected = header + (elements * ElementSize(type));
        if (content.Length != expected)
        {
            var what = string.Format(
                CultureInfo.InvariantCulture,
                "the header (magic number 0x{0:X8}) announces {1} {2}, {3} bytes with the header, but the content has {4} bytes",
                magic,
                string.Join(" x ", dimensions),
                Describe(type),
                expected,
                content.Length);
            throw new GenDataException(
                content.Length < expected
                    ? $"{source}: truncated IDX file: {what} ({expected - content.Length} missing).{note}"
                    : $"{source}: IDX file too long: {what} ({content.Length - expected} bytes too many).",
                source);
        }

        return new IdxArray(source, type, dimensions, content, header);
    }
}
