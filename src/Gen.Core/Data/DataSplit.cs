using System;
using TorchSharp;

namespace Gen.Data;

/// <summary>Splitting helpers (for minibatches, see <see cref="Batches"/>).</summary>
public static class DataSplit
{
    /// <summary>Shuffles rows with a seed and splits off the last <paramref name="testFraction"/> of them (rounded to the nearest row).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not strictly between 0 and 1, or leaves one side with no rows.</exception>
    public static Split Shuffled(torch.Tensor data, double testFraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (testFraction <= 0 || testFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie strictly between 0 and 1.");
        }

        var n = data.shape[0];
        var test = (long)Math.Round(n * testFraction);
        if (test == 0 || test == n)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"A test fraction of {testFraction} of {n} rows leaves {(test == 0 ? "the test set" : "the training set")} empty.");
        }

        using var scope = torch.NewDisposeScope();
        using var generator = Seed.Generator(seed);
        var perm = DeviceRandom.Permutation(n, data.device, generator);
        var shuffled = data.index_select(0, perm);
        return new Split(shuffled[..(int)(n - test)].MoveToOuterDisposeScope(), shuffled[(int)(n - test)..].MoveToOuterDisposeScope());
    }
}
