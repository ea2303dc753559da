namespace Gen.Dsl;

/// <summary>Derives the seed of the n-th draw (one per mask) from a spec's seed, the same on every machine.</summary>
internal static class DrawSeed
{
    /// <summary>The seed itself for draw 0, a well-mixed deterministic function of both otherwise.</summary>
    public static int Mix(int seed, int draw)
    {
        if (draw == 0)
        {
            return seed;
        }

        // SplitMix-style finaliser: nearby (seed, draw) pairs give unrelated System.Random streams.
        unchecked
        {
            ulong z = ((ulong)(uint)seed << 32) | (uint)draw;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & 0x7FFFFFFF);
        }
    }
}
