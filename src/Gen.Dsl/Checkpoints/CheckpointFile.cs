using System;
using System.Buffers.Binary;
using System.IO;
using System.Security.Cryptography;

namespace Gen.Dsl;

/// <summary>
/// The layout of a checkpoint file. All integers are little-endian.
/// <code>
/// offset  size  field
///      0     8  magic: 89 47 45 4E 43 4B 50 54 ("\x89GENCKPT")
///      8     4  format version (1)
///     12     4  the version's bitwise complement (a damaged version reads as damage, not as a newer format)
///     16     8  J, length of the JSON document (UTF-8)
///     24     8  W, length of the weights (TorchSharp's state-dict format)
///     32     8  O, length of the optimizer state (0: none)
///     40     8  first 8 bytes of SHA-256 over bytes 0..39 (the header)
///     48     J  JSON: {"version": 1, "dtype": ..., "spec": {...}, "state": {...}}
///   48+J     W  weights
/// 48+J+W     O  optimizer state
///    end    32  SHA-256 over every byte before it
/// </code>
/// The header checksum tells a damaged length from a truncated file; the final checksum catches any changed byte.
/// </summary>
internal static class CheckpointFile
{
    /// <summary>The format version written, and the newest read.</summary>
    public const int Version = 1;

    private const int HeaderSize = 48;
    private const int HeaderHashSize = 8;
    private const int HashSize = 32;
    private static readonly byte[] Magic = { 0x89, (byte)'G', (byte)'E', (byte)'N', (byte)'C', (byte)'K', (byte)'P', (byte)'T' };

    /// <summary>Writes a checkpoint of the three parts; <paramref name="optimizer"/> is empty for none.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> json, ReadOnlySpan<byte> weights, ReadOnlySpan<byte> optimizer) =>
        Write(stream, Version, json, weights, optimizer);

    /// <summary>As <see cref="Write(Stream, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with any version number (for tests).</summary>
    internal static void Write(Stream stream, int version, ReadOnlySpan<byte> json, ReadOnlySpan<byte> weights, ReadOnlySpan<byte> optimizer)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), ~version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), json.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), weights.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), optimizer.Length);
        SHA256.HashData(header.AsSpan(0, 40)).AsSpan(0, HeaderHashSize).CopyTo(header.AsSpan(40));

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { header, json.ToArray(), weights.ToArray(), optimizer.ToArray() })
        {
            stream.Write(part);
            hash.AppendData(part);
        }

        stream.Write(hash.GetHashAndReset());
    }

    /// <summary>Reads and verifies <paramref name="path"/>.</summary>
    /// <exception cref="GenCheckpointException">The file is not a checkpoint, is truncated or corrupted, or is of a newer format.</exception>
    public static CheckpointContents Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Verifies the bytes of a checkpoint and splits them into their parts; <paramref name="path"/> names it in errors.</summary>
    internal static CheckpointContents Parse(byte[] bytes, string path)
    {
        long length = bytes.Length;
        if (length < Magic.Length)
        {
            throw bytes.AsSpan().SequenceEqual(Magic.AsSpan(0, bytes.Length))
                ? Fail(CheckpointError.Truncated, path, $"the file is truncated: it has {length} bytes, fewer than a checkpoint's header.")
                : NotACheckpoint(path, bytes);
        }

        if (!bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw NotACheckpoint(path, bytes);
        }

        if (length < 16)
        {
            throw Fail(CheckpointError.Truncated, path, $"the file is truncated: it has {length} bytes, fewer than a checkpoint's header.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) != ~version || version < 1)
        {
            throw Fail(CheckpointError.Corrupted, path, "the file is corrupted: its format version field is damaged. Nothing was loaded; use an intact copy.");
        }

        if (version > Version)
        {
            throw Fail(
                CheckpointError.NewerVersion,
                path,
                $"the file is in checkpoint format version {version}, but this version of Gen reads versions up to {Version}; load it with a newer Gen.");
        }

        if (length < HeaderSize)
        {
            throw Fail(CheckpointError.Truncated, path, $"the file is truncated: it has {length} bytes, fewer than a checkpoint's {HeaderSize}-byte header.");
        }

        if (!SHA256.HashData(bytes.AsSpan(0, 40)).AsSpan(0, HeaderHashSize).SequenceEqual(bytes.AsSpan(40, HeaderHashSize)))
        {
            throw Fail(CheckpointError.Corrupted, path, "the file is corrupted: its header does not match the header's checksum. Nothing was loaded; use an intact copy.");
        }

        long json = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        long weights = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24));
        long optimizer = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32));
        if (json < 0 || weights < 0 || optimizer < 0 || json > int.MaxValue || weights > int.MaxValue || optimizer > int.MaxValue)
        {
            throw Fail(CheckpointError.Corrupted, path, "the file is corrupted: its header gives impossible part lengths. Nothing was loaded; use an intact copy.");
        }

        long expected = HeaderSize + json + weights + optimizer + HashSize;
        if (length < expected)
        {
            throw Fail(
                CheckpointError.Truncated,
                path,
                $"the file is truncated: it has {length} bytes, but its header describes {expected} (the copy or download was cut short). Nothing was loaded; use an intact copy.");
        }

        if (length > expected)
        {
            throw Fail(CheckpointError.Corrupted, path, $"the file is corrupted: it has {length - expected} bytes more than its header describes. Nothing was loaded; use an intact copy.");
        }

        var payload = bytes.AsSpan(0, (int)(expected - HashSize));
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan((int)(expected - HashSize))))
        {
            throw Fail(
                CheckpointError.Corrupted,
                path,
                "the file is corrupted: its content does not match its SHA-256 checksum, so bytes have changed since it was written. Nothing was loaded; use an intact copy.");
        }

        int start = HeaderSize;
        ArraySegment<byte> Take(long count)
        {
            var part = new ArraySegment<byte>(bytes, start, (int)count);
            start += (int)count;
            return part;
        }

        return new CheckpointContents(Take(json), Take(weights), optimizer == 0 ? (ArraySegment<byte>?)null : Take(optimizer));
    }

    private static GenCheckpointException NotACheckpoint(string path, byte[] bytes) => Fail(
        CheckpointError.NotACheckpoint,
        path,
        $"not a Gen checkpoint: it starts with {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, Magic.Length)))}, not the checkpoint signature {Convert.ToHexString(Magic)}.");

    private static GenCheckpointException Fail(CheckpointError error, string path, string message) => new(error, message, path);
}
