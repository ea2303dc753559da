using System;
using System.IO;
using System.Linq;
using Gen.Core.Tests.Data.Support;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Core.Tests.Data.Images;

public class MnistTests
{
    private static long[] Histogram(torch.Tensor labels)
    {
        using var counts = torch.bincount(labels, minlength: 10);
        return counts.data<long>().ToArray();
    }

    [RequiresDataFact("mnist/train-images-idx3-ubyte", "mnist/train-labels-idx1-ubyte", "mnist/t10k-images-idx3-ubyte", "mnist/t10k-labels-idx1-ubyte")]
    public void Real_mnist_loads_with_its_published_class_counts()
    {
        var source = DataSource.At(SharedData.Directory!).WithDownload(false);
        var train = Mnist.Load(MnistSplit.Train, torch.CPU, source: source);
        var test = Mnist.Load(MnistSplit.Test, torch.CPU, ImageLayout.Flat, source);

        Assert.Equal(new long[] { 60000, 1, 28, 28 }, train.Images.shape);
        Assert.Equal(new long[] { 10000, 784 }, test.Images.shape);
        Assert.Equal(torch.int64, test.Labels.dtype);
        Assert.Equal(new long[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, Histogram(train.Labels));
        Assert.Equal(new long[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, Histogram(test.Labels));
        Assert.Equal(0f, test.Images.min().item<float>());
        Assert.Equal(255f, test.Images.max().item<float>());
        foreach (var t in new[] { train.Images, train.Labels, test.Images, test.Labels })
        {
            t.Dispose();
        }
    }

    [RequiresDataFact("fashion-mnist/train-labels-idx1-ubyte", "fashion-mnist/t10k-images-idx3-ubyte", "fashion-mnist/t10k-labels-idx1-ubyte", "fashion-mnist/train-images-idx3-ubyte")]
    public void Real_fashion_mnist_loads_balanced_classes()
    {
        var source = DataSource.At(SharedData.Directory!).WithDownload(false);
        var train = FashionMnist.Load(MnistSplit.Train, torch.CPU, source: source);
        var test = FashionMnist.Load(MnistSplit.Test, torch.CPU, source: source);

        Assert.Equal(new long[] { 60000, 1, 28, 28 }, train.Images.shape);
        Assert.All(Histogram(train.Labels), c => Assert.Equal(6000, c));
        Assert.All(Histogram(test.Labels), c => Assert.Equal(1000, c));
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal(10000, FashionMnist.Count(MnistSplit.Test));
        foreach (var t in new[] { train.Images, train.Labels, test.Images, test.Labels })
        {
            t.Dispose();
        }
    }

    [RequiresDataFact("mnist/t10k-images-idx3-ubyte", "mnist/t10k-labels-idx1-ubyte")]
    public void Missing_files_download_from_a_mirror_into_the_data_directory()
    {
        using var server = new LocalHttpServer();
        using var dir = new TempDirectory();
        foreach (var name in new[] { "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
        {
            server.Serve(name + ".gz", File.ReadAllBytes(SharedData.File("mnist/" + name)!));
        }

        var test = Mnist.Load(MnistSplit.Test, torch.CPU, source: DataSource.At(dir.Path).WithMirror(server.BaseUri));

        Assert.Equal(10000, test.Labels.shape[0]);
        Assert.Equal(7, test.Labels[0].item<long>());
        Assert.Equal(
            new[] { Path.Combine("mnist", "t10k-images-idx3-ubyte.gz"), Path.Combine("mnist", "t10k-labels-idx1-ubyte.gz") },
            dir.Files().OrderBy(f => f, StringComparer.Ordinal));
        test.Images.Dispose();
        test.Labels.Dispose();
    }

    [Fact]
    public void A_labels_file_where_images_belong_is_reported_by_its_magic_number()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("mnist/t10k-images-idx3-ubyte.gz", IdxBytes.GzipCompress(IdxBytes.UnsignedBytes(new byte[10000], 10000)));

        var e = Assert.Throws<GenDataException>(() => Mnist.Load(MnistSplit.Test, torch.CPU, source: DataSource.At(dir.Path).WithDownload(false)));

        Assert.Equal($"{path}: magic number 0x00000801 (unsigned bytes, rank 1), expected 0x00000803 (unsigned bytes, rank 3: 10000 x 28 x 28).", e.Message);
    }

    [Fact]
    public void Without_files_or_downloads_the_error_names_the_missing_file()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<GenDataException>(() => FashionMnist.Load(MnistSplit.Train, torch.CPU, source: DataSource.At(dir.Path).WithDownload(false)));

        var path = Path.Combine(dir.Path, "fashion-mnist", "train-images-idx3-ubyte.gz");
        Assert.Equal(path, e.Path);
        Assert.StartsWith($"{path}: not found, and downloads are turned off.", e.Message);
        Assert.Contains("GEN_DATA_DIR", e.Message);
    }

    [Fact]
    public void The_official_hosts_are_documented_and_counts_are_known()
    {
        Assert.Equal("https://ossci-datasets.s3.amazonaws.com/mnist/", Mnist.Origins[0].AbsoluteUri);
        Assert.Equal("http://yann.lecun.com/exdb/mnist/", Mnist.Origins[1].AbsoluteUri);
        Assert.Equal(60000, Mnist.Count(MnistSplit.Train));
        Assert.Equal(10000, BinarizedMnist.Count(BinarizedMnistSplit.Valid));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mnist.Count((MnistSplit)7));
    }
}
