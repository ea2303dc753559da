using System;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HostileProbes.Checkpoints;

/// <summary>
/// A checkpoint file taken apart and put back together by its documented layout (little-endian): the magic
/// <c>89 47 45 4E 43 4B 50 54</c>, the format version and its complement, the lengths of the JSON, weights and optimizer
/// parts, the first 8 bytes of the SHA-256 of those 40 bytes, the three parts, and the SHA-256 of everything before it.
/// A forger re-signs what it changes, so that the reader's checks of content, not its checksums, are what is probed.
/// </summary>
internal sealed record CheckpointBytes(byte[] Json, byte[] Weights, byte[] Optimizer)
{
    public const int HeaderSize = 48;
    public const int HashSize = 32;
    private static readonly byte[] Magic = { 0x89, (byte)'G', (byte)'E', (byte)'N', (byte)'C', (byte)'K', (byte)'P', (byte)'T' };

    /// <summary>The parts of a well-formed file.</summary>
    public static CheckpointBytes Parse(byte[] file)
    {
        long json = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(16));
        long weights = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(24));
        long optimizer = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(32));
        int at = HeaderSize;
        byte[] Take(long n)
        {
            var part = file.AsSpan(at, (int)n).ToArray();
            at += (int)n;
            return part;
        }

        return new CheckpointBytes(Take(json), Take(weights), Take(optimizer));
    }

    /// <summary>The file, with a header that describes the parts as they are unless lengths are given.</summary>
    public byte[] Write(int version = 1, int? versionComplement = null, long? jsonLength = null, long? weightsLength = null, long? optimizerLength = null) =>
        Sign(Header(version, versionComplement ?? ~version, jsonLength ?? Json.Length, weightsLength ?? Weights.Length, optimizerLength ?? Optimizer.Length), Json, Weights, Optimizer);

    /// <summary>A header with its own checksum.</summary>
    public static byte[] Header(int version, int complement, long json, long weights, long optimizer)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), complement);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), json);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), weights);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), optimizer);
        SHA256.HashData(header.AsSpan(0, 40)).AsSpan(0, 8).CopyTo(header.AsSpan(40));
        return header;
    }

    /// <summary>The pieces one after the other, followed by the SHA-256 of them all.</summary>
    public static byte[] Sign(params byte[][] pieces)
    {
        int length = 0;
        foreach (var piece in pieces)
        {
            length += piece.Length;
        }

        var file = new byte[length + HashSize];
        int at = 0;
        foreach (var piece in pieces)
        {
            piece.CopyTo(file, at);
            at += piece.Length;
        }

        SHA256.HashData(file.AsSpan(0, length)).CopyTo(file, length);
        return file;
    }

    /// <summary>Re-signs a whole file after bytes of it were changed: a fresh header checksum and a fresh trailing hash.</summary>
    public static byte[] Resign(byte[] file)
    {
        var copy = (byte[])file.Clone();
        SHA256.HashData(copy.AsSpan(0, 40)).AsSpan(0, 8).CopyTo(copy.AsSpan(40));
        SHA256.HashData(copy.AsSpan(0, copy.Length - HashSize)).CopyTo(copy, copy.Length - HashSize);
        return copy;
    }
}
