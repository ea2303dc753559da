using System;
using Gen.Runtime;
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
/// Files are written and verified as streams, a piece at a time, so their size is bounded by the disk, not by memory
/// or by the 2 GB of an array.
/// </summary>
internal static class CheckpointFile
{
    /// <summary>The format version written, and the newest read.</summary>
    public const int Version = 1;

    private const int HeaderSize = 48;
    private const int HeaderHashSize = 8;
    private const int HashSize = 32;
    private const int PieceSize = 1 << 20;
    private static readonly byte[] Magic = { 0x89, (byte)'G', (byte)'E', (byte)'N', (byte)'C', (byte)'K', (byte)'P', (byte)'T' };

    /// <summary>Writes a checkpoint of the three parts (<paramref name="optimizer"/> is <see cref="CheckpointPart.None"/> for none), streaming each.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> json, CheckpointPart weights, CheckpointPart optimizer) =>
        Write(stream, Version, json, weights, optimizer);

    /// <summary>Writes a checkpoint of parts held in memory (<paramref name="optimizer"/> is empty for none).</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> json, ReadOnlySpan<byte> weights, ReadOnlySpan<byte> optimizer) =>
        Write(stream, Version, json, weights, optimizer);

    /// <summary>As <see cref="Write(Stream, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with any version number (for tests).</summary>
    internal static void Write(Stream stream, int version, ReadOnlySpan<byte> json, ReadOnlySpan<byte> weights, ReadOnlySpan<byte> optimizer) =>
        Write(stream, version, json, CheckpointPart.Of(weights.ToArray()), optimizer.IsEmpty ? CheckpointPart.None : CheckpointPart.Of(optimizer.ToArray()));

    private static void Write(Stream stream, int version, ReadOnlySpan<byte> json, CheckpointPart weights, CheckpointPart optimizer)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), ~version);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), json.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), weights.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), optimizer.Length);
        SHA256.HashData(header.AsSpan(0, 40)).AsSpan(0, HeaderHashSize).CopyTo(header.AsSpan(40));

        using var hashing = new HashingStream(stream);
        hashing.Write(header);
        hashing.Write(json);
        WritePart(hashing, weights, "weights");
        WritePart(hashing, optimizer, "optimizer state");
        stream.Write(hashing.Hash());
    }

    private static void WritePart(HashingStream stream, CheckpointPart part, string what)
    {
        long start = stream.Written;
        part.Write(stream);
        if (stream.Written - start != part.Length)
        {
            // The header already promised the length; a file that broke it would read as corrupted.
            throw new InvalidOperationException($"The checkpoint's {what} wrote {stream.Written - start} bytes, not the {part.Length} its header records.");
        }
    }

    /// <summary>
    /// Opens and verifies <paramref name="path"/>: a regular file, with a checkpoint's header, of the length the header
    /// describes, whose checksum matches. The file stays open (and shared for reading) until the result is disposed.
    /// </summary>
    /// <exception cref="GenCheckpointException">The file cannot be read (<see cref="CheckpointError.Unreadable"/>: missing, not a regular file, or access denied), is not a checkpoint, is truncated or corrupted, or is of a newer format.</exception>
    public static CheckpointReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new GenCheckpointException(
                CheckpointError.Unreadable,
                path.Length == 0 ? "the path is empty; give the checkpoint file's path." : "the path contains a NUL character, which no file name can hold.",
                path.Replace("\0", "\\0", StringComparison.Ordinal));
        }

        try
        {
            if (FileKind.NotRegular(path) is { } kind)
            {
                throw new GenCheckpointException(CheckpointError.Unreadable, $"cannot read a checkpoint from {kind}; a checkpoint is a regular file.", path);
            }

            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
            try
            {
                return new CheckpointReader(path, stream, Verify(stream, path));
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }
    }

    /// <summary>A failure to read <paramref name="path"/> at all (missing, access denied, an I/O error), as a checkpoint error.</summary>
    public static GenCheckpointException Unreadable(string path, Exception e) =>
        new(CheckpointError.Unreadable, $"the file cannot be read: {e.Message}", path, inner: e);

    /// <summary>Verifies the bytes of a checkpoint held in memory and splits them into their parts; <paramref name="path"/> names it in errors.</summary>
    internal static CheckpointContents Parse(byte[] bytes, string path)
    {
        var layout = Verify(new MemoryStream(bytes, writable: false), path);
        ArraySegment<byte> Part(long offset, long length) => new(bytes, (int)offset, (int)length);
        return new CheckpointContents(
            Part(layout.JsonOffset, layout.JsonLength),
            Part(layout.WeightsOffset, layout.WeightsLength),
            layout.OptimizerLength == 0 ? (ArraySegment<byte>?)null : Part(layout.OptimizerOffset, layout.OptimizerLength));
    }

    /// <summary>Verifies the checkpoint in <paramref name="stream"/> (seekable), reading it once, a piece at a time.</summary>
    private static CheckpointLayout Verify(Stream stream, string path)
    {
        long length = stream.Length;
        var header = new byte[HeaderSize];
        stream.Position = 0;
        int got = ReadUpTo(stream, header);
        if (got < Magic.Length)
        {
            throw header.AsSpan(0, got).SequenceEqual(Magic.AsSpan(0, got))
                ? Fail(CheckpointError.Truncated, path, $"the file is truncated: it has {length} bytes, fewer than a checkpoint's header.")
                : NotACheckpoint(path, header.AsSpan(0, got));
        }

        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw NotACheckpoint(path, header);
        }

        if (got < 16)
        {
            throw Fail(CheckpointError.Truncated, path, $"the file is truncated: it has {length} bytes, fewer than a checkpoint's header.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != ~version || version < 1)
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

        if (got < HeaderSize)
        {
            throw Fail(CheckpointError.Truncated, path, $"the file is truncated: it has {length} bytes, fewer than a checkpoint's {HeaderSize}-byte header.");
        }

        if (!SHA256.HashData(header.AsSpan(0, 40)).AsSpan(0, HeaderHashSize).SequenceEqual(header.AsSpan(40, HeaderHashSize)))
        {
            throw Fail(CheckpointError.Corrupted, path, "the file is corrupted: its header does not match the header's checksum. Nothing was loaded; use an intact copy.");
        }

        long json = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        long weights = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24));
        long optimizer = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        if (json < 0 || weights < 0 || optimizer < 0 || json > int.MaxValue)
        {
            throw Fail(CheckpointError.Corrupted, path, "the file is corrupted: its header gives impossible part lengths. Nothing was loaded; use an intact copy.");
        }

        // Three lengths below 2^63 can add up past it: the sum is taken in 128 bits.
        Int128 expected = (Int128)HeaderSize + json + weights + optimizer + HashSize;
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

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(header);
        var buffer = new byte[PieceSize];
        for (long left = length - HashSize - HeaderSize; left > 0;)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0)
            {
                throw Fail(CheckpointError.Truncated, path, "the file is truncated: it became shorter while it was read. Nothing was loaded; use an intact copy.");
            }

            hash.AppendData(buffer, 0, n);
            left -= n;
        }

        var stored = new byte[HashSize];
        if (ReadUpTo(stream, stored) != HashSize || !hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
        {
            throw Fail(
                CheckpointError.Corrupted,
                path,
                "the file is corrupted: its content does not match its SHA-256 checksum, so bytes have changed since it was written. Nothing was loaded; use an intact copy.");
        }

        return new CheckpointLayout(HeaderSize, json, HeaderSize + json, weights, HeaderSize + json + weights, optimizer);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; the count read.</summary>
    private static int ReadUpTo(Stream stream, byte[] buffer)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = stream.Read(buffer, got, buffer.Length - got);
            if (n == 0)
            {
                break;
            }

            got += n;
        }

        return got;
    }

    private static GenCheckpointException NotACheckpoint(string path, ReadOnlySpan<byte> start) => Fail(
        CheckpointError.NotACheckpoint,
        path,
        $"not a Gen checkpoint: it starts with {Convert.ToHexString(start[..Math.Min(start.Length, Magic.Length)])}, not the checkpoint signature {Convert.ToHexString(Magic)}.");

    private static GenCheckpointException Fail(CheckpointError error, string path, string message) => new(error, message, path);
}
