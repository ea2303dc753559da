using System;
using System.Linq;
using Gen.Optimization;
using Xunit;

namespace Gen.Core.Tests.Optimization;

public sealed class PieceOfBufferTests
{
    // The pieces must tile the buffer: consecutive, none empty or over the limit, and every element of every
    // parameter in exactly one piece, at its own place.
    private static void AssertTiles(long[] sizes, long limit, long small)
    {
        var pieces = PieceOfBuffer.Cover(sizes, limit, small);
        long total = sizes.Sum();
        long next = 0;
        var seen = sizes.Select(_ => 0L).ToArray();
        foreach (var piece in pieces)
        {
            Assert.Equal(next, piece.Start);
            Assert.InRange(piece.Length, 1, limit);
            Assert.Equal(piece.Length, piece.Parts.Sum(p => p.Count));
            long at = piece.Start;
            foreach (var part in piece.Parts)
            {
                Assert.True(part.Count > 0);
                Assert.Equal(seen[part.Index], part.Offset); // parameters in order, elements in order
                Assert.Equal(sizes.Take(part.Index).Sum() + part.Offset, at); // where the flat buffer holds them
                seen[part.Index] += part.Count;
                at += part.Count;
            }

            next += piece.Length;
        }

        Assert.Equal(total, next);
        Assert.Equal(sizes, seen);

        bool Shared(int i) => sizes[i] < small && sizes[i] <= limit;
        foreach (var piece in pieces)
        {
            if (piece.Parts.Length > 1)
            {
                // Only small parameters share a piece, and they share it whole.
                Assert.All(piece.Parts, p => Assert.True(Shared(p.Index) && p.Offset == 0 && p.Count == sizes[p.Index]));
            }
            else if (!Shared(piece.Parts[0].Index))
            {
                // A large parameter is cut at multiples of the limit from its own start.
                Assert.Equal(0, piece.Parts[0].Offset % limit);
            }
        }

        // Small neighbours are not left apart needlessly: two consecutive pieces of small parameters only would not
        // have fitted into one.
        for (int k = 1; k < pieces.Length; k++)
        {
            var (a, b) = (pieces[k - 1], pieces[k]);
            if (a.Parts.All(p => Shared(p.Index)) && b.Parts.All(p => Shared(p.Index)))
            {
                Assert.True(a.Length + b.Parts[0].Count > limit);
            }
        }
    }

    [Theory]
    [InlineData(new long[] { 15, 5, 10, 2 }, 4, 3)]
    [InlineData(new long[] { 3, 5 }, 100, 10)]
    [InlineData(new long[] { 100 }, 7, 10)]
    [InlineData(new long[] { 1, 1, 1, 1, 1 }, 2, 10)]
    [InlineData(new long[] { 8, 8 }, 8, 100)]
    [InlineData(new long[] { 2, 40, 3, 3, 40, 1 }, 16, 8)]
    [InlineData(new long[0], 4, 2)]
    public void Pieces_tile_the_buffer(long[] sizes, long limit, long small) => AssertTiles(sizes, limit, small);

    [Fact]
    public void Small_parameters_share_a_piece_and_large_ones_keep_theirs()
    {
        var pieces = PieceOfBuffer.Cover(new long[] { 2, 3, 40, 1, 1 }, limit: 16, small: 8);
        Assert.Equal(
            new[] { "0:0+2 1:0+3", "2:0+16", "2:16+16", "2:32+8", "3:0+1 4:0+1" },
            pieces.Select(p => string.Join(" ", p.Parts.Select(q => $"{q.Index}:{q.Offset}+{q.Count}"))));
    }

    [Fact]
    public void Random_layouts_are_tiled()
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 500; trial++)
        {
            var sizes = Enumerable.Range(0, rng.Next(1, 12)).Select(_ => (long)rng.Next(1, 60)).ToArray();
            AssertTiles(sizes, rng.Next(1, 80), rng.Next(1, 100));
        }
    }

    [Fact]
    public void A_limit_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PieceOfBuffer.Cover(new long[] { 3 }, 0, 1));
}
