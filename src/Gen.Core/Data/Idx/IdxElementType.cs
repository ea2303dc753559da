namespace Gen.Data;

/// <summary>The element type of an IDX file: the third byte of its magic number.</summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned 8-bit integers (0x08), as in MNIST.</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed 8-bit integers (0x09).</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian signed 16-bit integers (0x0B).</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian signed 32-bit integers (0x0C).</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian IEEE 32-bit floats (0x0D).</summary>
    Float32 = 0x0D,

    /// <summary>Big-endian IEEE 64-bit floats (0x0E).</summary>
    Float64 = 0x0E,
}
