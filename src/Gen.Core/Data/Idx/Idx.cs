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
    /// <summary>
    /// Reads and validates an IDX file, gzip-compressed or raw. The header is read first, and no more is read or
    /// decompressed than it announces (and one byte more, to tell a file that is too long), so a file that claims less
    /// than it holds, or a small gzip file that expands without end, costs no more than its header says.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <exception cref="GenDataException">The file is missing, unreadable, not a regular file, corrupt or truncated.</exception>
    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            // A FIFO would wait for a writer for ever, and a device such as /dev/zero never ends.
            if (Gen.Runtime.FileKind.NotRegular(path) is { } kind)
            {
                throw new GenDataException($"{path}: cannot read an IDX file from {kind}; it must be a regular file.", path);
            }

            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            var prefix = new byte[MaxHeaderBytes];
            int got = file.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            if (Gzip.IsGzip(prefix.AsSpan(0, got)))
            {
                // The compressed file is on the disk; what it expands to is bounded by the header inside it.
                var bytes = File.ReadAllBytes(path);
                var head = Gzip.DecompressPrefix(bytes, path, MaxHeaderBytes);
                long declared = Declared(head, path, null) ?? throw ShortHeader(head, path);
                var decoded = Gzip.DecompressIfGzip(bytes, path, declared + 1, $", more than the {declared} bytes its IDX header announces");
                return ParseDecompressed(decoded.Content, path, decoded.TruncationNote);
            }

            var raw = prefix.AsSpan(0, got);
            long length = Declared(raw, path, null) ?? throw ShortHeader(raw.ToArray(), path);
            if (file.Length != length)
            {
                throw LengthMismatch(raw, path, file.Length, null);
            }

            var content = new byte[length];
            file.Position = 0;
            file.ReadExactly(content);
            return ParseDecompressed(content, path, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GenDataException($"{path}: cannot read the file: {e.Message}", path, e);
        }
    }

    // The longest header: the magic number and 255 dimensions.
    private const int MaxHeaderBytes = 4 + (4 * 255);

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
        var header = Header(content, source, truncationNote) ?? throw ShortHeader(content, source, truncationNote);
        if (content.Length != header.Length)
        {
            throw LengthMismatch(content, source, content.Length, truncationNote);
        }

        return new IdxArray(source, header.Type, header.Dimensions, content, header.Bytes);
    }

    // The whole length (header and data) that the header at the start of content announces, capped at long.MaxValue − 1
    // (no file is longer); null when content is too short to hold the header.
    private static long? Declared(ReadOnlySpan<byte> content, string source, string? truncationNote) =>
        Header(content, source, truncationNote) is { } header ? (long)BigInteger.Min(header.Length, long.MaxValue - 1) : null;

    private sealed record IdxHeader(int Magic, IdxElementType Type, int[] Dimensions, int Bytes, BigInteger Length);

    // The header at the start of content, checked (magic number, element type, rank, dimensions); null when content is
    // too short to hold it all.
    private static IdxHeader? Header(ReadOnlySpan<byte> content, string source, string? truncationNote)
    {
        if (content.Length < 4)
        {
            return null;
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
            return null;
        }

        var dimensions = new int[rank];
        // Exact arithmetic: a corrupt header can announce more bytes than a long holds.
        BigInteger elements = BigInteger.One;
        for (int i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(4 + (4 * i)));
            if (d > int.MaxValue)
            {
                throw new GenDataException($"{source}: corrupt IDX header: dimension {i} is {d}, more than any file can hold.", source);
            }

            dimensions[i] = (int)d;
            elements *= d;
        }

        var length = header + (elements * ElementSize(type));
        return new IdxHeader(magic, type, dimensions, header, length);
    }

    private static GenDataException ShortHeader(ReadOnlySpan<byte> content, string source, string? truncationNote = null)
    {
        var note = truncationNote is null ? string.Empty : " " + truncationNote;
        if (content.Length < 4)
        {
            return new GenDataException(
                $"{source}: too short for an IDX file: {content.Length} bytes, but the magic number alone takes 4.{note}", source);
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(content);
        int rank = content[3];
        return new GenDataException(
            $"{source}: truncated IDX header: magic number 0x{magic:X8} announces {rank} dimensions, so the header takes " +
            $"{4 + (4 * rank)} bytes, but the content has {content.Length}.{note}", source);
    }

    // The error for content of contentLength bytes whose header (at the start of content) announces another length.
    private static GenDataException LengthMismatch(ReadOnlySpan<byte> content, string source, long contentLength, string? truncationNote)
    {
        var header = Header(content, source, truncationNote)!;
        var note = truncationNote is null ? string.Empty : " " + truncationNote;
        var what = string.Format(
            CultureInfo.InvariantCulture,
            "the header (magic number 0x{0:X8}) announces {1} {2}, {3} bytes with the header, but the content has {4} bytes",
            header.Magic,
            string.Join(" x ", header.Dimensions),
            Describe(header.Type),
            header.Length,
            contentLength);
        return new GenDataException(
            contentLength < header.Length
                ? $"{source}: truncated IDX file: {what} ({header.Length - contentLength} missing).{note}"
                : $"{source}: IDX file too long: {what} ({contentLength - header.Length} bytes too many).",
            source);
    }
}
