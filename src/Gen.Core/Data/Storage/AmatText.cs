using System;

namespace Gen.Data;

/// <summary>
/// Converts the published text form of binarized MNIST (<c>.amat</c>: one image per line, 784 values 0 or 1
/// separated by spaces) into IDX content (unsigned bytes, n x 28 x 28).
/// </summary>
internal static class AmatText
{
    /// <summary>The IDX content of an .amat text whose lines hold <paramref name="side"/>² binary values each.</summary>
    /// <exception cref="GenDataException">A line has the wrong number of values, or a value other than 0 or 1.</exception>
    public static byte[] ToIdx(ReadOnlySpan<byte> text, string source, int side)
    {
        var pixels = side * side;
        // Every value takes at least two characters (the digit and a separator), except perhaps the last.
        var data = new byte[(text.Length / 2) + 1];
        var count = 0;
        int line = 0;
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var row = end < 0 ? text : text[..end];
            text = end < 0 ? ReadOnlySpan<byte>.Empty : text[(end + 1)..];
            line++;
            if (row.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            int values = 0;
            for (int i = 0; i < row.Length; i++)
            {
                var c = row[i];
                if (c is (byte)' ' or (byte)'\t' or (byte)'\r')
                {
                    continue;
                }

                var isBit = c is (byte)'0' or (byte)'1';
                var tokenEnds = i + 1 == row.Length || row[i + 1] is (byte)' ' or (byte)'\t' or (byte)'\r';
                if (!isBit || !tokenEnds)
                {
                    throw new GenDataException($"{source}: line {line} holds a value other than 0 or 1 (at column {i + 1}).", source);
                }

                data[count++] = (byte)(c - '0');
                values++;
            }

            if (values != pixels)
            {
                throw new GenDataException($"{source}: line {line} holds {values} values, expected {pixels} ({side} x {side} pixels).", source);
            }
        }

        return Idx.EncodeUnsignedBytes(new[] { count / pixels, side, side }, data.AsSpan(0, count));
    }
}
