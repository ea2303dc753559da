using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Optimization;

/// <summary>
/// A run of at most a fixed number of consecutive elements of the optimizer's flat parameter buffer, and which
/// parameters' elements it holds. Covering the buffer with such runs splits a large parameter over several and lets
/// small neighbouring parameters share one.
/// </summary>
/// <param name="Start">The run's first element in the flat buffer.</param>
/// <param name="Length">Its number of elements.</param>
/// <param name="Parts">The parameters' elements it holds, in buffer order.</param>
internal sealed record PieceOfBuffer(long Start, long Length, PieceOfBuffer.Part[] Parts)
{
    /// <summary>Elements <paramref name="Offset"/> to <paramref name="Offset"/> + <paramref name="Count"/> of parameter <paramref name="Index"/>.</summary>
    internal readonly record struct Part(int Index, long Offset, long Count)
    {
        /// <summary>This part of the parameter's gradient, flattened (a view where the gradient is contiguous).</summary>
        public torch.Tensor Of(torch.Tensor?[] grads) => grads[Index]!.reshape(-1).narrow(0, Offset, Count);
    }

    /// <summary>
    /// Covers parameters of the given sizes, laid out one after another, with runs of at most <paramref name="limit"/>
    /// elements. A parameter of <paramref name="small"/> elements or more has runs of its own (so its gradient is read
    /// where it lies); consecutive smaller ones share runs, their gradients gathered by one concatenation, which costs
    /// less than updating each with kernels of its own as long as they are small.
    /// </summary>
    public static PieceOfBuffer[] Cover(IReadOnlyList<long> sizes, long limit, long small)
    {
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "A piece holds at least one element.");
        }

        var pieces = new List<PieceOfBuffer>();
        var parts = new List<Part>();
        long start = 0;
        long length = 0;

        void Close()
        {
            if (length > 0)
            {
                pieces.Add(new PieceOfBuffer(start, length, parts.ToArray()));
                start += length;
                length = 0;
                parts.Clear();
            }
        }

        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] < small && sizes[i] <= limit)
            {
                if (length + sizes[i] > limit)
                {
                    Close();
                }

                parts.Add(new Part(i, 0, sizes[i]));
                length += sizes[i];
                continue;
            }

            Close();
            for (long offset = 0; offset < sizes[i]; offset += limit)
            {
                long count = Math.Min(limit, sizes[i] - offset);
                parts.Add(new Part(i, offset, count));
                length = count;
                Close();
            }
        }

        Close();
        return pieces.ToArray();
    }
}
