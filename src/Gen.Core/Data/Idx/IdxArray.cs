using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Data;

/// <summary>
/// The parsed, validated content of one IDX file: element type, dimensions and the data bytes as stored
/// (big-endian). Made by <see cref="Idx.Read"/> or <see cref="Idx.Parse"/>.
/// </summary>
public sealed class IdxArray
{
    private readonly byte[] content;
    private readonly int dataOffset;
    private readonly int[] dimensions;
    private string? sha256;

    internal IdxArray(string source, IdxElementType elementType, int[] dimensions, byte[] content, int dataOffset)
    {
        Source = source;
        ElementType = elementType;
        this.dimensions = dimensions;
        this.content = content;
        this.dataOffset = dataOffset;
    }

    /// <summary>Where the content came from (a file path or a resource name), for messages.</summary>
    public string Source { get; }

    /// <summary>The element type.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>The dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Dimensions => dimensions;

    /// <summary>The magic number: 0x0000, the element type code, then the rank (0x00000803 for MNIST images).</summary>
    public int Magic => ((int)ElementType << 8) | dimensions.Length;

    /// <summary>The number of elements (the product of the dimensions).</summary>
    public long Count => dimensions.Aggregate(1L, (a, d) => a * d);

    /// <summary>The data bytes after the header, as stored (multi-byte elements are big-endian).</summary>
    public ReadOnlyMemory<byte> Data => content.AsMemory(dataOffset);

    /// <summary>The sha256 of the whole decompressed file (header and data), lower-case hex.</summary>
    public string Sha256 => sha256 ??= Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    /// <summary>The dimensions as text, for example "10000 x 28 x 28".</summary>
    public string DimensionsText => string.Join(" x ", dimensions.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// The elements as a tensor of shape <see cref="Dimensions"/> on <paramref name="device"/>: by default in
    /// the file's own type (uint8, int8, int16, int32, float32 or float64), else converted to <paramref name="dtype"/>.
    /// </summary>
    /// <param name="device">Where the tensor lives.</param>
    /// <param name="dtype">The element type of the result; null keeps the file's type.</param>
    public torch.Tensor ToTensor(torch.Device device, torch.ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        GenRuntime.EnsureLoaded();
        var shape = dimensions.Select(d => (long)d).ToArray();
        var data = content.AsSpan(dataOffset);
        var raw = ElementType switch
        {
            IdxElementType.UnsignedByte => torch.tensor(data.ToArray(), shape, torch.uint8),
            IdxElementType.SignedByte => torch.tensor(MemoryMarshal.Cast<byte, sbyte>(data).ToArray(), shape),
            IdxElementType.Int16 => torch.tensor(Decode(data, 2, s => BinaryPrimitives.ReadInt16BigEndian(s)), shape),
            IdxElementType.Int32 => torch.tensor(Decode(data, 4, s => BinaryPrimitives.ReadInt32BigEndian(s)), shape),
            IdxElementType.Float32 => torch.tensor(Decode(data, 4, s => BinaryPrimitives.ReadSingleBigEndian(s)), shape),
            _ => torch.tensor(Decode(data, 8, s => BinaryPrimitives.ReadDoubleBigEndian(s)), shape),
        };
        if ((dtype is null || dtype == raw.dtype) && device.type == DeviceType.CPU)
        {
            return raw;
        }

        using (raw)
        {
            return raw.to(dtype ?? raw.dtype, device);
        }
    }

    private delegate T SpanReader<T>(ReadOnlySpan<byte> bytes);

    private static T[] Decode<T>(ReadOnlySpan<byte> data, int size, SpanReader<T> read)
    {
        var values = new T[data.Length / size];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = read(data.Slice(i * size, size));
        }

        return values;
    }
}
