using System;
using System.IO;
using System.Linq;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Images;

public class BinarizedMnistTests
{
    [Fact]
    public void The_sample_loads_as_binary_float_images_in_either_layout()
    {
        using var images = BinarizedMnist.LoadSample(torch.CPU);
        using var flat = BinarizedMnist.LoadSample(torch.CPU, ImageLayout.Flat);

        Assert.Equal(new long[] { 200, 1, 28, 28 }, images.shape);
        Assert.Equal(new long[] { 200, 784 }, flat.shape);
        Assert.Equal(torch.float32, images.dtype);
        Assert.True(images.reshape(200, 784).allclose(flat, 0, 0));
        using var binary = images.eq(0).logical_or(images.eq(1)).all();
        Assert.True(binary.item<bool>());
        // About 13% of binarized MNIST pixels are on; every sampled image has ink, none is all ink.
        var mean = images.mean().item<float>();
        Assert.InRange(mean, 0.10, 0.17);
        using var perImage = flat.sum(dim: 1);
        Assert.True(perImage.min().item<float>() > 20 && perImage.max().item<float>() < 400);
    }

    [Fact]
    public void A_truncated_file_in_the_data_directory_is_named_in_the_error()
    {
        using var dir = new TempDirectory();
        var whole = IdxBytes.GzipCompress(IdxBytes.UnsignedBytes(new byte[10000 * 784], 10000, 28, 28));
        var path = dir.Write("binarized-mnist/test-images-idx3-ubyte.gz", whole[..(whole.Length / 2)]);

        var e = Assert.Throws<GenDataException>(() => BinarizedMnist.Load(BinarizedMnistSplit.Test, torch.CPU, source: DataSource.At(dir.Path).WithDownload(false)));

        Assert.Equal(path, e.Path);
        Assert.StartsWith($"{path}: truncated IDX file", e.Message);
        Assert.Contains("10000 x 28 x 28 unsigned bytes, 7840016 bytes with the header", e.Message);
    }

    [Fact]
    public void A_file_of_the_right_shape_but_other_content_fails_its_checksum()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("binarized-mnist/valid-images-idx3-ubyte.gz", IdxBytes.GzipCompress(IdxBytes.UnsignedBytes(new byte[10000 * 784], 10000, 28, 28)));

        var e = Assert.Throws<GenDataException>(() => BinarizedMnist.Load(BinarizedMnistSplit.Valid, torch.CPU, source: DataSource.At(dir.Path)));

        Assert.StartsWith($"{path}: sha256 of the decompressed content is ", e.Message);
        Assert.Contains("expected 1b017d51bf2733a6cbde62f26dd36be91c88ab4e95f8de9cdafadcb26fe9a852", e.Message);
    }

    [Fact]
    public void A_wrong_shape_is_reported_before_the_checksum()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("binarized-mnist/train-images-idx3-ubyte", IdxBytes.Gunzip(Samples.GzipIdx()));

        var e = Assert.Throws<GenDataException>(() => BinarizedMnist.Load(BinarizedMnistSplit.Train, torch.CPU, source: DataSource.At(dir.Path)));

        Assert.Equal($"{path}: dimensions 200 x 28 x 28, expected 50000 x 28 x 28.", e.Message);
    }

    [Fact]
    public void Offline_the_loader_says_where_it_looked_and_what_to_do()
    {
        using var dir = new TempDirectory();
        var offline = LocalHttpServer.Unreachable();

        var e = Assert.Throws<GenDataException>(() =>
            BinarizedMnist.Load(BinarizedMnistSplit.Test, torch.CPU, source: DataSource.At(dir.Path).WithMirror(offline)));

        Assert.Contains(Path.Combine(dir.Path, "binarized-mnist", "test-images-idx3-ubyte.gz") + ": not found", e.Message);
        Assert.Contains($"{offline}binarized_mnist_test.amat: cannot download", e.Message);
        Assert.Contains("If this machine is offline", e.Message);
        Assert.Empty(dir.Files());
    }

    [RequiresDataFact("binarized-mnist/train-images-idx3-ubyte", "binarized-mnist/valid-images-idx3-ubyte", "binarized-mnist/test-images-idx3-ubyte")]
    public void The_real_splits_load_with_their_published_sizes()
    {
        var source = DataSource.At(SharedData.Directory!).WithDownload(false);
        foreach (var split in new[] { BinarizedMnistSplit.Train, BinarizedMnistSplit.Valid, BinarizedMnistSplit.Test })
        {
            using var images = BinarizedMnist.Load(split, torch.CPU, ImageLayout.Flat, source);
            Assert.Equal(new long[] { BinarizedMnist.Count(split), 784 }, images.shape);
            Assert.InRange(images.mean().item<float>(), 0.12, 0.145);
        }
    }

    [RequiresDataFact("binarized-mnist/test-images-idx3-ubyte")]
    public void The_published_text_form_of_the_test_split_downloads_converts_and_verifies()
    {
        // Serve the real test split as the official host publishes it (text), and load it through the loader.
        var real = Gen.Data.Idx.Read(SharedData.File("binarized-mnist/test-images-idx3-ubyte")!).Data.ToArray();
        var text = new byte[real.Length * 2];
        for (int i = 0; i < real.Length; i++)
        {
            text[2 * i] = (byte)('0' + real[i]);
            text[(2 * i) + 1] = (byte)((i + 1) % 784 == 0 ? '\n' : ' ');
        }

        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        server.Serve("binarized_mnist_test.amat", text);

        using var images = BinarizedMnist.Load(BinarizedMnistSplit.Test, torch.CPU, source: DataSource.At(dir.Path).WithMirror(server.BaseUri));

        Assert.Equal(new long[] { 10000, 1, 28, 28 }, images.shape);
        Assert.Equal(new[] { Path.Combine("binarized-mnist", "test-images-idx3-ubyte.gz") }, dir.Files());
        using var sample = BinarizedMnist.LoadSample(torch.CPU);
        using var strided = images.index_select(0, torch.arange(0, 10000, 50));
        Assert.True(sample.allclose(strided, 0, 0));
    }
}
