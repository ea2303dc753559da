using System;
using System.IO;
using System.Text;

namespace Gen.Dsl;

/// <summary>
/// Reads the counts and strings of a checkpoint part, each checked against the bytes left in the part before anything
/// is allocated for it: a count or length read from a file is a claim, and a forged one (2^31 − 1 names in a part of a
/// few bytes) must fail as malformed data, not as an attempt to allocate what it claims.
/// </summary>
internal static class BlockReading
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A non-negative count of items that take at least <paramref name="minimumBytes"/> each, no more than the
    /// bytes left in <paramref name="part"/> can hold.
    /// </summary>
    /// <exception cref="InvalidDataException">The count is negative or more than the part can hold.</exception>
    public static long Count(BinaryReader reader, StreamSlice part, int minimumBytes, string what)
    {
        long count = reader.Read7BitEncodedInt64();
        if (count < 0 || count > part.Remaining / minimumBytes)
        {
            throw new InvalidDataException($"it counts {count} {what}, more than its remaining {part.Remaining} bytes can hold");
        }

        return count;
    }

    /// <summary>A length-prefixed UTF-8 string, as <see cref="BinaryWriter.Write(string)"/> writes it, whose length fits in the part.</summary>
    /// <exception cref="InvalidDataException">The length is negative or runs past the part, or the bytes are not UTF-8.</exception>
    public static string String(BinaryReader reader, StreamSlice part)
    {
        int length = reader.Read7BitEncodedInt();
        if (length < 0 || length > part.Remaining)
        {
            throw new InvalidDataException($"a name of {length} bytes runs past the end of the part ({part.Remaining} bytes left)");
        }

        var bytes = reader.ReadBytes(length);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("a name is not valid UTF-8", e);
        }
    }
}
