using System;
using System.Security.Cryptography;

namespace Gen.Data;

/// <summary>Sha256 checks of decompressed content.</summary>
internal static class Checksum
{
    /// <summary>The sha256 of the bytes, lower-case hex.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    /// <param name="actual">The sha256 found.</param>
    /// <param name="expected">The sha256 required.</param>
    /// <param name="source">The file or address, for the message.</param>
    /// <param name="advice">What to do about a mismatch, appended to the message.</param>
    public static void Require(string actual, string expected, string source, string advice)
    {
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new GenDataException(
                $"{source}: sha256 of the decompressed content is {actual}, expected {expected}: the content is corrupt " +
                $"or not the file expected. {advice}",
                source);
        }
    }
}
