using System;
using System.Buffers.Binary;
using System.IO;

namespace Gen.Dsl;

/// <summary>
/// The record framing of TensorBoard's event files (TFRecord): each record is its length (8 bytes), a masked CRC-32C of
/// the length (4), the data, and a masked CRC-32C of the data (4), all little-endian. Reading checks both checksums, so
/// a torn last record (a run killed mid-write) reads as the end.
/// </summary>
internal static class EventFile
{
    private const uint MaskDelta = 0xA282EAD8;
    private static readonly uint[] Table = MakeTable();

    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Masked(header[..8]));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Masked(data));
        stream.Write(footer);
    }

    /// <summary>
    /// The next record's data, or null at the end of the stream or at a torn or damaged record (whose length or data
    /// fails its checksum); a record longer than <paramref name="limit"/> bytes is refused before it is read.
    /// </summary>
    public static byte[]? Read(Stream stream, long limit = 64 << 20)
    {
        Span<byte> header = stackalloc byte[12];
        if (stream.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12 || BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != Masked(header[..8]))
        {
            return null;
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (length > (ulong)limit)
        {
            throw new InvalidDataException($"an event record claims {length} bytes, more than the {limit} allowed.");
        }

        var data = new byte[length];
        Span<byte> footer = stackalloc byte[4];
        if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length
            || stream.ReadAtLeast(footer, 4, throwOnEndOfStream: false) < 4
            || BinaryPrimitives.ReadUInt32LittleEndian(footer) != Masked(data))
        {
            return null;
        }

        return data;
    }

    // TFRecord masks its checksums so that a CRC of data holding CRCs stays well distributed.
    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + MaskDelta;
    }

    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    // CRC-32C (Castagnoli), reflected polynomial 0x82F63B78.
    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
