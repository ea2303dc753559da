using System;
using TorchSharp;

namespace Gen.Data;

/// <summary>Splitting helpers (for minibatches, see <see cref="Batches"/>).</summary>
public static class DataSplit
{
    /// <summary>Shuffles rows with a seed and splits off the last <paramref name="testFraction"/> of them.</summary>
    public static Split Shuffled(torch.Tensor data, double testFraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (testFraction <= 0 || testFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie strictly between 0 and 1.");
        }

        using var scope = torch.NewDisposeScope();
        var n = data.shape[0];
        var perm = DeviceRandom.Permutation(n, data.device, new torch.Generator((ulong)seed));
        var shuffled = data.index_select(0, perm);
        var test = (long)Math.Round(n * testFraction);
        return new Split(shuffled[..(int)(n - test)].MoveToOuterDisposeScope(), shuffled[(int)(n - test)..].MoveToOuterDisposeScope());
    }
}
