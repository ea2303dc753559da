using System;
using System.Linq;
using TorchSharp;

namespace Gen;

/// <summary>Small helpers for shapes: formatting, broadcasting and checks that raise <see cref="GenShapeException"/>.</summary>
public static class Shape
{
    /// <summary>Formats a shape as <c>[2, 3]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Number of elements of a shape (1 for a scalar).</summary>
    public static long Numel(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }

    /// <summary>The broadcast of two shapes, as in NumPy and PyTorch.</summary>
    /// <exception cref="GenShapeException">The shapes do not broadcast.</exception>
    public static long[] Broadcast(long[] a, long[] b, string node = "shape")
    {
        int n = Math.Max(a.Length, b.Length);
        var result = new long[n];
        for (int i = 0; i < n; i++)
        {
            long x = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            long y = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (x != y && x != 1 && y != 1)
            {
                throw new GenShapeException(node, $"shapes {Format(a)} and {Format(b)} do not broadcast (dimension {i}: {x} vs {y}).");
            }

            result[i] = x == 1 ? y : x;
        }

        return result;
    }

    /// <summary>Checks that the trailing dimensions of <paramref name="value"/> equal <paramref name="eventShape"/>.</summary>
    /// <exception cref="GenShapeException">They differ; the message names <paramref name="node"/> and both shapes.</exception>
    public static void CheckTrailing(torch.Tensor value, long[] eventShape, string node)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(eventShape);
        if (!EndsWith(value, eventShape))
        {
            throw new GenShapeException(node, $"expects values whose last dimensions are {Format(eventShape)}, got a tensor of shape {Format(value.shape)}.");
        }
    }

    // These checks run on every call of every layer: they read sizes one at a time, because reading a whole shape
    // copies it into a new array (several times the cost of a size, and garbage) and the arrays are only needed for
    // a message.
    private static bool EndsWith(torch.Tensor value, long[] trailing)
    {
        long rank = value.dim();
        if (rank < trailing.Length)
        {
            return false;
        }

        for (int i = 1; i <= trailing.Length; i++)
        {
            if (value.size((int)(rank - i)) != trailing[^i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have the same shape (read without copying either shape).</summary>
    public static bool Same(torch.Tensor a, torch.Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        long rank = a.dim();
        if (b.dim() != rank)
        {
            return false;
        }

        for (int i = 0; i < rank; i++)
        {
            if (a.size(i) != b.size(i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The leading dimensions of <paramref name="shape"/> before its last <paramref name="rank"/> ones.</summary>
    public static long[] Leading(long[] shape, int rank) => shape.Take(shape.Length - rank).ToArray();
}
