using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Batching;

public class BatchesTests
{
    // Row i of the data holds the value i in every column, so a batch says which rows it took.
    private static torch.Tensor Rows(long n) => torch.arange(n, dtype: torch.float64).unsqueeze(1).expand(n, 3).contiguous();

    private static List<long[]> Epoch(IEnumerable<torch.Tensor> batches)
    {
        var seen = new List<long[]>();
        foreach (var batch in batches)
        {
            Assert.Equal(3, batch.shape[1]);
            Assert.True(batch[.., 0].allclose(batch[.., 2], 0, 0));
            seen.Add(batch[.., 0].to(torch.int64).data<long>().ToArray());
        }

        return seen;
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(12, 4)]
    [InlineData(5, 8)]
    [InlineData(1, 1)]
    public void Every_row_appears_exactly_once_per_epoch(long n, int batchSize)
    {
        using var data = Rows(n);
        var batches = Batches.Of(data, batchSize, torch.CPU, Seed.Generator(1));

        for (int epoch = 0; epoch < 3; epoch++)
        {
            var seen = Epoch(batches);
            Assert.Equal(Enumerable.Range(0, (int)n).Select(i => (long)i), seen.SelectMany(b => b).Order());
            var sizes = seen.Select(b => b.Length).ToArray();
            Assert.All(sizes[..^1], s => Assert.Equal(batchSize, s));
            Assert.Equal(n - ((sizes.Length - 1) * batchSize), sizes[^1]);
        }
    }

    [Fact]
    public void Shuffling_changes_the_order_each_epoch_and_repeats_with_the_seed()
    {
        using var data = Rows(100);
        var a = Batches.Of(data, 10, torch.CPU, Seed.Generator(7));
        var b = Batches.Of(data, 10, torch.CPU, Seed.Generator(7));

        var a1 = Epoch(a).SelectMany(x => x).ToArray();
        var a2 = Epoch(a).SelectMany(x => x).ToArray();
        var b1 = Epoch(b).SelectMany(x => x).ToArray();
        var b2 = Epoch(b).SelectMany(x => x).ToArray();

        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(Enumerable.Range(0, 100).Select(i => (long)i), a1);
    }

    [Fact]
    public void Without_a_generator_the_order_is_kept()
    {
        using var data = Rows(7);
        var seen = Epoch(Batches.Of(data, 3, torch.CPU));
        Assert.Equal(new[] { new long[] { 0, 1, 2 }, new long[] { 3, 4, 5 }, new long[] { 6 } }, seen);
    }

    [Fact]
    public void Drop_last_leaves_out_the_short_batch_only()
    {
        using var data = Rows(10);
        var seen = Epoch(Batches.Of(data, 3, torch.CPU, Seed.Generator(2), dropLast: true));
        Assert.Equal(3, seen.Count);
        Assert.All(seen, b => Assert.Equal(3, b.Length));
        Assert.Equal(9, seen.SelectMany(b => b).Distinct().Count());

        using var exact = Rows(9);
        Assert.Equal(3, Epoch(Batches.Of(exact, 3, torch.CPU, dropLast: true)).Count);
    }

    [Fact]
    public void Labelled_batches_keep_images_and_labels_together()
    {
        using var images = Rows(50);
        using var labels = torch.arange(50, dtype: torch.int64) * 10;
        var total = 0L;
        foreach (var batch in Batches.Of(new LabelledImages(images, labels), 8, torch.CPU, Seed.Generator(3)))
        {
            using var expected = batch.Images[.., 0].to(torch.int64) * 10;
            Assert.True(batch.Labels.allclose(expected, 0, 0));
            total += batch.Labels.shape[0];
        }

        Assert.Equal(50, total);
    }

    [Fact]
    public void The_enumerator_frees_its_batches_even_when_left_early()
    {
        using var data = Rows(1000);
        var stats = DisposeScopeManager.Statistics.TensorStatistics;
        var before = stats.ThreadTotalLiveCount;
        for (int epoch = 0; epoch < 5; epoch++)
        {
            foreach (var batch in Batches.Of(data, 64, torch.CPU, Seed.Generator(epoch)))
            {
                if (batch.shape[0] < 64)
                {
                    break;
                }
            }

            foreach (var batch in Batches.Of(data, 64, torch.CPU).Take(3))
            {
                Assert.Equal(64, batch.shape[0]);
            }
        }

        Assert.Equal(before, stats.ThreadTotalLiveCount);
    }

    [Fact]
    public void A_batch_is_a_copy_and_is_freed_when_the_enumerator_moves_on()
    {
        using var data = Rows(4);
        using var enumerator = Batches.Of(data, 2, torch.CPU).GetEnumerator();
        Assert.True(enumerator.MoveNext());
        var first = enumerator.Current;
        first.add_(100);
        Assert.Equal(0.0, data[0, 0].item<double>());
        Assert.True(enumerator.MoveNext());
        Assert.True(first.IsInvalid);
    }

    [Fact]
    public void Bad_arguments_are_rejected_when_the_batches_are_asked_for()
    {
        using var data = Rows(4);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Of(data, 0, torch.CPU)).ParamName);
        using var scalar = torch.tensor(1.0);
        Assert.Equal("data", Assert.Throws<GenShapeException>(() => Batches.Of(scalar, 2, torch.CPU)).Node);
        using var labels = torch.zeros(3, dtype: torch.int64);
        var e = Assert.Throws<GenShapeException>(() => Batches.Of(new LabelledImages(data, labels), 2, torch.CPU));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[4, 3]", e.Message);
    }
}
