using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Splitting;

public class DataSplitTests
{
    [Fact]
    public void A_seeded_split_is_disjoint_covers_every_row_and_repeats()
    {
        using var rows = torch.arange(100, dtype: torch.float64).reshape(100, 1);
        var a = DataSplit.Shuffled(rows, 0.2, seed: 5);
        var b = DataSplit.Shuffled(rows, 0.2, seed: 5);
        Assert.Equal(80, a.Train.shape[0]);
        Assert.Equal(20, a.Test.shape[0]);
        var all = a.Train.flatten().data<double>().Concat(a.Test.flatten().data<double>()).OrderBy(v => v).ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), all);
        Assert.True(a.Train.equal(b.Train).all().item<bool>() && a.Test.equal(b.Test).all().item<bool>());
    }

    [Fact]
    public void A_fraction_that_leaves_a_side_empty_is_refused()
    {
        using var rows = torch.zeros(3, 2);
        Assert.Contains("the test set", Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Shuffled(rows, 0.1, seed: 0)).Message);
        Assert.Contains("the training set", Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Shuffled(rows, 0.9, seed: 0)).Message);
    }
}
